// End to end: the real server (`node web/server/main.ts`, run as an unprivileged user) builds
// examples/minimal.yaml with the real composer, and QEMU (SeaBIOS + the iPXE option ROM of
// Debian's ipxe-qemu) PXE-boots it over HTTP to `login:`. The first script iPXE gets says the
// image is being built; iPXE sleeps, asks again, and boots once the build is done.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { isRoot, repo, sharedCache, sharedState, userDir } from "../../composer/e2e/helpers.ts";
import { bootTest } from "../../composer/src/qemu/boot-test.ts";
import { trackChild } from "../../composer/src/qemu/reaper.ts";
import { getSettings } from "../../composer/src/settings/index.ts";
import { freePort } from "../lib/db/test-postgres.ts";
import { readSse } from "../server/test-server.ts";

const nobody = 65534;
let server: ChildProcess | undefined;
let serverOutput = "";

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
  const mirror = getSettings().mirror;
  const env: Record<string, string> = {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: userDir("brokkr-pxe-home-"),
    PORT: String(port),
    HOST: "127.0.0.1", // QEMU's user network reaches the host's loopback as 10.0.2.2
    BROKKR_DATA_DIR: join(userDir("brokkr-pxe-data-"), "data"),
    BROKKR_CACHE_DIR: sharedCache(),
    BROKKR_STATE_DIR: sharedState(),
    BROKKR_UI: "off",
    CI: "true",
    ...(mirror ? { BROKKR_MIRROR: mirror } : {}),
  };
  const child = spawn(process.execPath, [join(repo, "web/server/main.ts")], {
    cwd: repo,
    env,
    uid: isRoot ? nobody : undefined,
    gid: isRoot ? nobody : undefined,
    stdio: ["ignore", "pipe", "pipe"],
  });
  server = child;
  trackChild(child); // killed by PID if this test process dies first
  child.stdout?.on("data", (d: Buffer) => (serverOutput += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (serverOutput += d.toString()));
  const deadline = Date.now() + 120_000;
  while (!serverOutput.includes("listening on")) {
    if (child.exitCode !== null) throw new Error(`the server exited:\n${serverOutput}`);
    if (Date.now() > deadline) throw new Error(`the server did not start within 120 s:\n${serverOutput}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return `http://127.0.0.1:${port}`;
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
      `${result.error?.message}\n--- console ---\n${result.output.slice(-4000)}\n--- server ---\n${serverOutput.slice(-4000)}`,
    );
  }
  for (const m of result.matched)
    process.stderr.write(`# ${String(m.pattern)} after ${m.atSeconds.toFixed(1)} s\n`);
  // iPXE prints a percentage first when the download is slow: "vmlinuz... 81%     ok".
  assert.match(result.output, /\/vmlinuz\.\.\. .*ok/);
  assert.match(result.output, /\/initrd\.img\.\.\. .*ok/);

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
