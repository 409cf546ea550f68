// `brokkr remote build` against a hostile server on 127.0.0.1: artifact and spec names that would
// write outside the output directory are refused before anything is written.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { BrokkrError } from "./errors.ts";
import { remoteBuild } from "./remote.ts";

const tmp = mkdtempSync(join(tmpdir(), "brokkr-remote-hostile-"));
const specFile = join(tmp, "spec.yaml");
writeFileSync(specFile, "name: x\n");
const body = Buffer.from("owned\n");
const sha256 = createHash("sha256").update(body).digest("hex");

/** What the server answers: the spec name and the artifact names of the build. */
let served = { specName: "x", files: ["disk.img"] };

const server = createServer((req, res) => {
  const json = (v: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(v));
  const url = req.url ?? "/";
  if (req.method === "POST" && url === "/api/schematics") return json({ id: "a".repeat(64), spec: { name: served.specName } });
  if (req.method === "POST" && url.endsWith("/builds")) return json({ buildId: "b1" });
  if (url === "/api/builds/b1/log") return res.writeHead(200, { "content-type": "text/event-stream" }).end("data: hi\n\nevent: end\ndata:\n\n");
  if (url === "/api/builds/b1") {
    return json({ id: "b1", status: "succeeded", error: null, artifacts: served.files.map((file) => ({ file, sha256, size: body.length })) });
  }
  if (url.startsWith("/api/builds/b1/")) return res.writeHead(200).end(body);
  res.writeHead(404).end("{}");
});
let base = "";
before(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

/** Every file under `tmp` except the spec: what the client wrote. */
const written = () =>
  readdirSync(tmp, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory() && join(e.parentPath, e.name) !== specFile)
    .map((e) => join(e.parentPath, e.name));

const hostile: [string, string][] = [
  ["../escape", "path separator"],
  ["../../etc/cron.d/x", "path separator"],
  [join(tmp, "abs"), "path separator"],
  ["sub/disk.img", "path separator"],
  ["..\\..\\win", "path separator"],
  ["..", "directory"],
  [".", "directory"],
  ["", "empty"],
  ["disk\0.img", "NUL"],
  ["disk\n.img", "control"],
];

for (const [name, why] of hostile) {
  test(`an artifact named ${JSON.stringify(name)} is refused (${why}), nothing is written`, async () => {
    const out = join(tmp, "out", "dir");
    served = { specName: "x", files: ["good.img", name] };
    await assert.rejects(remoteBuild({ specFile, server: base, outDir: out }), (e: unknown) => {
      assert.ok(e instanceof BrokkrError, String(e));
      assert.equal(e.code, "remote.unsafe-name");
      assert.match(e.message, new RegExp(why));
      assert.match(e.message, /nothing was written/);
      return true;
    });
    assert.deepEqual(written(), []);
    rmSync(join(tmp, "out"), { recursive: true, force: true });
  });
}

test("the same name twice is refused", async () => {
  served = { specName: "x", files: ["a.img", "a.img"] };
  await assert.rejects(remoteBuild({ specFile, server: base, outDir: join(tmp, "twice") }), { code: "remote.unsafe-name" });
  assert.deepEqual(written(), []);
});

test("without --out, a spec name from the server that leaves out/ is refused", async () => {
  const cwd = process.cwd();
  const work = join(tmp, "a", "b");
  process.chdir(tmp);
  try {
    served = { specName: "../a/b/escaped", files: ["disk.img"] };
    await assert.rejects(remoteBuild({ specFile, server: base }), { code: "remote.unsafe-name" });
  } finally {
    process.chdir(cwd);
  }
  assert.equal(existsSync(join(work, "escaped")), false);
  assert.deepEqual(written(), []);
});

test("plain names still download into --out", async () => {
  const out = join(tmp, "ok");
  served = { specName: "x", files: ["disk.img", "..disk", "manifest.json"] };
  const r = await remoteBuild({ specFile, server: base, outDir: out });
  assert.deepEqual(r.artifacts.map((a) => a.path), ["disk.img", "..disk", "manifest.json"].map((f) => join(out, f)));
  assert.ok(readFileSync(join(out, "..disk")).equals(body));
  rmSync(out, { recursive: true, force: true });
});
