// End to end: the real server (`node web/server/main.ts`, run as an unprivileged user) builds
// examples/minimal.yaml with the real composer, and QEMU (SeaBIOS + the iPXE option ROM of
// Debian's ipxe-qemu) PXE-boots it over HTTP to `login:`. The first script iPXE gets says the
// image is being built; iPXE sleeps, asks again, and boots once the build is done.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { repo, userDir } from "../../composer/e2e/helpers.ts";
import { bootTest } from "@brokkr/composer";
import { freePort } from "../lib/db/test-postgres.ts";
import { readSse } from "../server/test-server.ts";
import { spawnServer } from "./server-process.ts";

let server: ChildProcess | undefined;
let serverOutputOf = () => "";

after(async () => {
  if (server?.pid !== undefined && server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((r) => server!.once("exit", r));
    process.kill(server.pid, "SIGTERM");
    const force = setTimeout(() => server?.pid !== undefined && process.kill(server.pid, "SIGKILL"), 15_000);
    await exited;
    clearTimeout(force);
  }
});

async function startServer(port: number): Promise<string> {
  const running = await spawnServer({ port });
  server = running.child;
  serverOutputOf = running.output;
  return running.url;
}

test("QEMU PXE-boots examples/minimal.yaml from the server to login:", { timeout: 900_000 }, async () => {
  const port = await freePort();
  const url = await startServer(port);
  const res = await fetch(`${url}/api/schematics`, {
    method: "POST",
    headers: { "content-type": "application/yaml" },
    body: readFileSync(join(repo, "examples/minimal.yaml"), "utf8"),
  });
  assert.equal(res.status, 201);
  const { id } = (await res.json()) as { id: string };
  // SeaBIOS copies the option ROM's text to the serial port only when told which port: QEMU
  // does that itself with -nographic, not with the runner's -display none -serial stdio.
  const logDir = userDir("brokkr-pxe-log-");
  const sercon = join(logDir, "sercon-port");
  writeFileSync(sercon, Buffer.from([0xf8, 0x03])); // 0x3f8, COM1, little-endian

  const result = await bootTest({
    arch: "x86_64",
    firmware: "bios",
    timeoutMs: 600_000,
    // The option ROM ran, the server said "being built", then the image booted.
    expect: ["iPXE", "is being built", `BROKKR-BOOT-OK ${id}`, "brokkr login:"],
    extraArgs: [
      "-fw_cfg",
      `name=etc/sercon-port,file=${sercon}`,
      "-boot",
      "n",
      "-netdev",
      `user,id=n0,bootfile=http://10.0.2.2:${port}/pxe/${id}/boot.ipxe`,
      "-device",
      "virtio-net-pci,netdev=n0",
    ],
    logFile: join(logDir, "console.log"),
  });
  if (!result.ok) {
    assert.fail(
      `${result.error?.message}\n--- console ---\n${result.output.slice(-4000)}\n--- server ---\n${serverOutputOf().slice(-4000)}`,
    );
  }
  for (const m of result.matched)
    process.stderr.write(`# ${String(m.pattern)} after ${m.atSeconds.toFixed(1)} s\n`);
  // iPXE prints a percentage first when the download is slow ("vmlinuz... 81%     ok") and
  // wraps at 80 columns, so a long URL may put a line break anywhere after the file name.
  const flat = result.output.replace(/\r?\n/g, "");
  assert.match(flat, /\/api\/builds\/[0-9a-f-]{36}\/vmlinuz\s*\.\.\.[\s\d%]*ok/);
  assert.match(flat, /\/api\/builds\/[0-9a-f-]{36}\/initrd\.img\s*\.\.\.[\s\d%]*ok/);

  const { builds } = (await (await fetch(`${url}/api/schematics/${id}/builds`)).json()) as {
    builds: { id: string; status: string; artifacts: { file: string }[] }[];
  };
  assert.equal(builds.length, 1, "the retries joined one build");
  assert.equal(builds[0]?.status, "succeeded");
  assert.deepEqual(
    builds[0]?.artifacts.map((a) => a.file),
    ["SHA256SUMS", "SHA256SUMS.asc", "cmdline", "disk.img", "initrd.img", "manifest.json", "sbom.spdx.json", "uki.efi", "vmlinuz"],
  );
  const log = await readSse(await fetch(`${url}/api/builds/${builds[0]?.id}/log`));
  assert.ok(
    log.lines.some((l) => /^✓ initramfs /.test(l)),
    log.lines.join("\n"),
  );
  const uki = await fetch(`${url}/images/${id}/uki.efi`, { method: "HEAD" });
  assert.equal(uki.status, 200);
  assert.ok(Number(uki.headers.get("content-length")) > 1_000_000);
});
