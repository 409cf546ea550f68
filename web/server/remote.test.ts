// `brokkr remote build` against the real server (fake builder): spec → build → log → downloads
// checked by sha256; and the ways it fails.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { getSettings } from "@brokkr/composer";
import { remoteBuild } from "@brokkr/composer";
import { createFakeBuilder, fakeDisk } from "../lib/builds/fake-builder.ts";
import type { LocalStore } from "../lib/store/local-store.ts";
import { startTestServer } from "./test-server.ts";

const fake = createFakeBuilder();
let server: Awaited<ReturnType<typeof startTestServer>>;
const minimal = join(getSettings().root, "examples/minimal.yaml");
const tmp = mkdtempSync(join(tmpdir(), "brokkr-remote-"));

before(async () => {
  server = await startTestServer({ builder: fake.builder });
});
after(() => server.close());

test("remoteBuild sends the spec, follows the log and downloads every artifact, checked", async () => {
  const lines: string[] = [];
  const out = join(tmp, "a");
  const r = await remoteBuild({ specFile: minimal, server: `${server.url}/`, outDir: out, onLog: (l) => lines.push(l) });
  assert.match(r.schematicId, /^[0-9a-f]{64}$/);
  assert.deepEqual(r.artifacts.map((a) => a.file), ["cmdline", "disk.img", "initrd.img", "manifest.json", "vmlinuz"]);
  assert.deepEqual(readFileSync(join(out, "disk.img")), fakeDisk(r.schematicId));
  assert.match(lines[0]!, /^building minimal /);
  assert.ok(lines.includes("fake build of minimal"));
});

test("an invalid spec fails with the server's problems", async () => {
  const bad = join(tmp, "bad.yaml");
  writeFileSync(bad, readFileSync(minimal, "utf8").replace("arch: x86_64", "arch: vax"));
  await assert.rejects(remoteBuild({ specFile: bad, server: server.url, outDir: join(tmp, "b") }), (err: { code: string; problems: { path: string }[] }) => {
    assert.equal(err.code, "spec.invalid");
    assert.ok(err.problems.some((p) => p.path === "arch"));
    return true;
  });
});

test("a failed build is remote.build-failed with the build's error", async () => {
  fake.failNext(new Error("disk full"));
  const spec = join(tmp, "fail.yaml");
  writeFileSync(spec, readFileSync(minimal, "utf8").replace("name: minimal", "name: remote-fail"));
  await assert.rejects(remoteBuild({ specFile: spec, server: server.url, outDir: join(tmp, "c") }), (err: { code: string; message: string }) => {
    assert.equal(err.code, "remote.build-failed");
    assert.match(err.message, /\[internal\] disk full/);
    return true;
  });
});

test("a download whose bytes do not match the sha256 is refused and not kept", async () => {
  const spec = join(tmp, "corrupt.yaml");
  writeFileSync(spec, readFileSync(minimal, "utf8").replace("name: minimal", "name: remote-corrupt"));
  const first = await remoteBuild({ specFile: spec, server: server.url, outDir: join(tmp, "d") });
  const disk = first.artifacts.find((a) => a.file === "disk.img")!;
  // Fault injection: the server sends other bytes of the same size. (Changing the stored blob
  // would not do: the second build publishes the right bytes over it.)
  const corrupt = join(tmp, "corrupt.img");
  writeFileSync(corrupt, Buffer.alloc(disk.size, 1));
  const store = server.service.store as LocalStore;
  const real = store.localPath.bind(store);
  store.localPath = (sha256) => (sha256 === disk.sha256 ? corrupt : real(sha256));
  await assert.rejects(remoteBuild({ specFile: spec, server: server.url, outDir: join(tmp, "e") }), { code: "remote.checksum-mismatch" });
  assert.throws(() => readFileSync(join(tmp, "e", "disk.img")));
  assert.throws(() => readFileSync(join(tmp, "e", "disk.img.part")));
  store.localPath = real;
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(getSettings().root, "composer/src/cli.ts"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d));
    child.stderr.on("data", (d: Buffer) => (stderr += d));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

test("the CLI: brokkr remote build SPEC --server URL --out DIR", async () => {
  const out = join(tmp, "cli");
  const r = await cli(["remote", "build", minimal, "--server", server.url, "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /fake build of minimal/);
  assert.match(r.stdout, new RegExp(`${out}/disk\\.img +0\\.1 MB +sha256:[0-9a-f]{64}`));
  assert.match(r.stdout, /5 artifacts checked/);
  const down = await cli(["remote", "build", minimal, "--server", "http://127.0.0.1:1", "--out", out]);
  assert.equal(down.code, 2);
  assert.match(down.stderr, /error\[remote\.http\]: cannot reach http:\/\/127\.0\.0\.1:1/);
  const missing = await cli(["remote", "build", minimal]);
  assert.equal(missing.code, 64, "a usage error has its own exit code");
  assert.match(missing.stderr, /error\[cli\.usage\]: missing --server URL/);
});
