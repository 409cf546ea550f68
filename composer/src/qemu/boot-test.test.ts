// Real boots under TCG of tiny disks made in the test (see test-disks.ts), plus the failure
// paths: timeout, QEMU refusing its arguments, and the process exiting with a VM still up.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";
import { type BootTestOptions, bootTest, buildQemuArgs } from "./boot-test.ts";
import type { QemuMachine } from "./firmware.ts";
import { writeEfiMarkerDisk, writeMbrMarkerDisk } from "./test-disks.ts";

const hasX86 = existsSync("/usr/bin/qemu-system-x86_64");
const hasOvmf = existsSync("/usr/share/OVMF/OVMF_CODE_4M.fd");
const noQemu = "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)";
const marker = "BROKKR-MBR-OK";
let dir = "";
let mbrDisk = "";

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "brokkr-boot-test-"));
  mbrDisk = join(dir, "mbr.img");
  await writeMbrMarkerDisk(mbrDisk, marker);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bios = (extra: Partial<BootTestOptions> = {}): BootTestOptions => ({
  image: mbrDisk,
  arch: "x86_64",
  firmware: "bios",
  timeoutMs: 30_000,
  expect: [marker],
  ...extra,
});

/** True once `pid` no longer runs. A zombie counts as gone: its parent died, init reaps it. */
async function waitGone(pid: number, ms = 3000): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      process.kill(pid, 0);
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (/\) Z /.test(stat)) return true;
    } catch {
      return true;
    }
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("the command line is TCG only, with a throw-away disk overlay and SSH forwarding", () => {
  const machine: QemuMachine = {
    arch: "x86_64",
    firmware: "bios",
    binary: "/usr/bin/qemu-system-x86_64",
    version: { major: 7, minor: 2, micro: 0, text: "" },
    files: { kind: "builtin" },
    args: ["-M", "q35", "-cpu", "max"],
    tempDir: undefined,
  };
  const args = buildQemuArgs(machine, bios({ image: "/x/a,b.img", sshForwardPort: 2222 }));
  assert.ok(!args.includes("-enable-kvm"));
  assert.equal(args[args.indexOf("-accel") + 1], "tcg");
  assert.ok(args.includes("file=/x/a,,b.img,format=raw,if=virtio,snapshot=on"));
  assert.ok(args.includes("user,id=n0,hostfwd=tcp:127.0.0.1:2222-:22"));
  assert.ok(args.includes("virtio-net-pci,netdev=n0"));
  assert.equal(args[args.indexOf("-m") + 1], "1024");
});

test("a qcow2 disk is read as qcow2; an ISO is a read-only SCSI CD-ROM", () => {
  const machine: QemuMachine = {
    arch: "x86_64",
    firmware: "uefi",
    binary: "/usr/bin/qemu-system-x86_64",
    version: { major: 7, minor: 2, micro: 0, text: "" },
    files: { kind: "builtin" },
    args: [],
    tempDir: undefined,
  };
  const qcow2 = buildQemuArgs(machine, bios({ image: "/x/disk.qcow2", format: "qcow2" }));
  assert.ok(qcow2.includes("file=/x/disk.qcow2,format=qcow2,if=virtio,snapshot=on"));
  const iso = buildQemuArgs(machine, bios({ image: "/x/image.iso", media: "cdrom" }));
  assert.ok(iso.includes("file=/x/image.iso,format=raw,if=none,id=cd0,media=cdrom,readonly=on"));
  assert.ok(iso.includes("scsi-cd,drive=cd0,bus=scsi0.0"));
  assert.ok(iso.includes("virtio-scsi-pci,id=scsi0"));
  assert.ok(!iso.some((a) => a.includes("if=virtio")));
});

test("without an image there is no disk: a network boot brings its NIC in extraArgs", () => {
  const machine: QemuMachine = {
    arch: "x86_64",
    firmware: "bios",
    binary: "/usr/bin/qemu-system-x86_64",
    version: { major: 7, minor: 2, micro: 0, text: "" },
    files: { kind: "builtin" },
    args: ["-M", "q35", "-cpu", "max"],
    tempDir: undefined,
  };
  const extraArgs = ["-boot", "n", "-netdev", "user,id=n0,bootfile=http://10.0.2.2:1/x", "-device", "virtio-net-pci,netdev=n0"];
  const args = buildQemuArgs(machine, { ...bios({ image: "unused" }), image: undefined, extraArgs });
  assert.ok(!args.includes("-drive"));
  assert.deepEqual(args.slice(-extraArgs.length), extraArgs);
});

test("BIOS boot of a hand-made MBR reaches the marker; QEMU is gone afterwards", async (t) => {
  if (!hasX86) return t.skip(noQemu);
  const log = join(dir, "console.log");
  let streamed = "";
  const r = await bootTest(bios({ logFile: log, onOutput: (c) => (streamed += c) }));
  t.diagnostic(`BIOS MBR boot to marker: ${r.seconds.toFixed(2)} s (${r.qemuVersion})`);
  assert.equal(r.ok, true, r.error?.message);
  assert.equal(r.error, undefined);
  assert.ok(r.seconds > 0 && r.seconds < 30);
  assert.equal(r.matched.length, 1);
  assert.equal(r.matched[0]?.pattern, marker);
  assert.match(r.output, /^BROKKR-MBR-OK$/m);
  // Raw output keeps the console's CRLF; QEMU may be stopped before the line end arrives.
  assert.match(streamed, /BROKKR-MBR-OK(\r\n|$)/);
  assert.match(await readFile(log, "utf8"), /BROKKR-MBR-OK(\r\n|$)/);
  assert.ok(r.pid !== undefined);
  assert.throws(() => process.kill(r.pid!, 0), { code: "ESRCH" });
});

test("several patterns, strings and regexes, match in order", async (t) => {
  if (!hasX86) return t.skip(noQemu);
  const r = await bootTest(bios({ expect: ["BROKKR", /MBR-(OK|FAIL)$/m] }));
  assert.equal(r.ok, true, r.error?.message);
  assert.equal(r.matched.length, 2);
  assert.ok(r.matched[0]!.atSeconds <= r.matched[1]!.atSeconds);
});

test("a marker that never comes times out, and QEMU is killed by its PID", async (t) => {
  if (!hasX86) return t.skip(noQemu);
  const r = await bootTest(bios({ expect: [marker, "NEVER-PRINTED"], timeoutMs: 3000 }));
  assert.equal(r.ok, false);
  assert.equal(r.error?.code, "qemu.timeout");
  assert.match(r.error?.message ?? "", /"NEVER-PRINTED" did not appear .* within 3 s/);
  assert.match(String(r.error?.details?.["tail"]), /BROKKR-MBR-OK/);
  assert.equal(r.matched.length, 1);
  assert.ok(r.seconds >= 3 && r.seconds < 6, String(r.seconds));
  assert.throws(() => process.kill(r.pid!, 0), { code: "ESRCH" });
});

test("keepRunning leaves the VM up (SSH port forwarded) until stop()", async (t) => {
  if (!hasX86) return t.skip(noQemu);
  const port = await freePort();
  const r = await bootTest(bios({ keepRunning: true, sshForwardPort: port }));
  try {
    assert.equal(r.ok, true, r.error?.message);
    process.kill(r.pid!, 0); // still alive: does not throw
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve();
      });
      socket.once("error", reject);
    });
  } finally {
    await r.stop();
  }
  assert.throws(() => process.kill(r.pid!, 0), { code: "ESRCH" });
  await r.stop(); // idempotent
});

test("QEMU refusing its arguments is qemu.failed with QEMU's own message as hint", async (t) => {
  if (!hasX86) return t.skip(noQemu);
  const r = await bootTest(bios({ extraArgs: ["-device", "brokkr-no-such-device"] }));
  assert.equal(r.ok, false);
  assert.equal(r.error?.code, "qemu.failed");
  assert.match(r.error?.message ?? "", /exited with code 1/);
  assert.match(r.error?.hint ?? "", /brokkr-no-such-device/);
});

test("a missing disk image is an io error before QEMU starts", async () => {
  await assert.rejects(bootTest(bios({ image: join(dir, "absent.img") })), { code: "io" });
});

test("OVMF with an empty disk lists the virtio disk as a boot option", async (t) => {
  if (!hasX86 || !hasOvmf) return t.skip("qemu-system-x86 or ovmf is not installed");
  const empty = join(dir, "empty.img");
  await writeFile(empty, Buffer.alloc(1024 * 1024));
  const r = await bootTest({
    image: empty,
    arch: "x86_64",
    firmware: "uefi",
    timeoutMs: 60_000,
    expect: [/BdsDxe: failed to load Boot\d+ "UEFI Misc Device"/],
  });
  t.diagnostic(`OVMF start to BdsDxe on an empty disk: ${r.seconds.toFixed(2)} s`);
  assert.equal(r.ok, true, r.error ? `${r.error.message}\n${r.error.details?.["tail"]}` : "");
  assert.throws(() => process.kill(r.pid!, 0), { code: "ESRCH" });
});

test("OVMF boots \\EFI\\BOOT\\BOOTX64.EFI from a GPT ESP on the virtio disk", async (t) => {
  if (!hasX86 || !hasOvmf) return t.skip("qemu-system-x86 or ovmf is not installed");
  const tools = ["/usr/sbin/sgdisk", "/usr/sbin/mkfs.fat", "/usr/bin/mcopy", "/usr/bin/mmd"];
  const absent = tools.filter((p) => !existsSync(p));
  if (absent.length > 0) return t.skip(`needs ${absent.join(", ")} (gdisk, dosfstools, mtools)`);
  const disk = join(dir, "esp.img");
  await writeEfiMarkerDisk(disk, "BROKKR-EFI-OK");
  const r = await bootTest({
    image: disk,
    arch: "x86_64",
    firmware: "uefi",
    timeoutMs: 60_000,
    expect: [/BdsDxe: starting Boot\d+/, "BROKKR-EFI-OK"],
  });
  t.diagnostic(`OVMF boot to EFI app marker: ${r.seconds.toFixed(2)} s`);
  assert.equal(r.ok, true, r.error ? `${r.error.message}\n${r.error.details?.["tail"]}` : "");
});

// The process that started QEMU exits (normally, or by SIGTERM) with the VM still running.
for (const how of ["exit", "SIGTERM"] as const) {
  test(`QEMU does not outlive its parent (${how})`, async (t) => {
    if (!hasX86) return t.skip(noQemu);
    const script = join(dir, `parent-${how}.ts`);
    const bootTestUrl = pathToFileURL(join(import.meta.dirname, "boot-test.ts")).href;
    await writeFile(
      script,
      `import { bootTest } from ${JSON.stringify(bootTestUrl)};
const r = await bootTest({ image: ${JSON.stringify(mbrDisk)}, arch: "x86_64", firmware: "bios",
  timeoutMs: 30000, expect: ["BROKKR-MBR-OK"], keepRunning: true });
console.log(JSON.stringify({ ok: r.ok, pid: r.pid }));
if (${JSON.stringify(how)} === "exit") process.exit(0);
setInterval(() => {}, 1000);
`,
    );
    const parent = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
    const line = await new Promise<string>((resolve) =>
      parent.stdout.once("data", (b: Buffer) => resolve(String(b))),
    );
    const { ok, pid } = JSON.parse(line) as { ok: boolean; pid: number };
    assert.equal(ok, true);
    process.kill(pid, 0); // the VM runs while its parent lives
    if (how === "SIGTERM") parent.kill("SIGTERM");
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      parent.once("exit", (c, s) => resolve([c, s])),
    );
    if (how === "exit") assert.equal(code, 0);
    else assert.equal(signal, "SIGTERM");
    assert.equal(await waitGone(pid), true, `QEMU ${pid} still runs after its parent ended`);
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address !== null && typeof address === "object");
  return address.port;
}
