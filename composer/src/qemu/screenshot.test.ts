// The QMP client and screendump against a real QEMU: x86_64 with OVMF and no disk, which
// reaches its boot manager in a few seconds and draws the TianoCore logo on virtio-vga.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import sharp from "sharp";
import { bootTest, buildQemuArgs } from "./boot-test.ts";
import type { QemuMachine } from "./firmware.ts";
import { ppmToPng } from "./screenshot.ts";

const machine: QemuMachine = {
  arch: "x86_64",
  firmware: "bios",
  binary: "qemu-system-x86_64",
  version: { major: 7, minor: 2, micro: 0, text: "" },
  files: { kind: "builtin" },
  args: [],
  tempDir: undefined,
};

test("display adds a GPU, keyboard, tablet and the QMP socket, and stays headless", () => {
  const args = buildQemuArgs(machine, {
    arch: "x86_64",
    firmware: "bios",
    timeoutMs: 1,
    expect: [],
    display: true,
    qmpSocket: "/t/q,s",
  });
  const line = args.join(" ");
  assert.match(line, /-display none/);
  assert.match(line, /-device virtio-vga -device virtio-keyboard-pci -device virtio-tablet-pci/);
  assert.match(line, /-qmp unix:\/t\/q,,s,server=on,wait=off/);
  const plain = buildQemuArgs(machine, { arch: "x86_64", firmware: "bios", timeoutMs: 1, expect: [] }).join(
    " ",
  );
  assert.doesNotMatch(plain, /virtio-vga|-qmp/);
});

test("a PPM from screendump converts to a PNG with the same pixels", async () => {
  const dir = await mkdtemp(join(tmpdir(), "brokkr-ppm-"));
  try {
    const pixels = Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]);
    await ppmToPng(Buffer.concat([Buffer.from("P6\n2 2\n255\n"), pixels]), join(dir, "x.png"));
    const { data, info } = await sharp(join(dir, "x.png")).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height, info.channels], [2, 2, 3]);
    assert.deepEqual([...data], [...pixels]);
    await assert.rejects(ppmToPng(Buffer.from("P5\n2 2\n255\n"), join(dir, "y.png")), /P6/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("screendump through QMP writes the OVMF screen as PNG", { timeout: 120_000 }, async () => {
  assert.ok(existsSync("/usr/share/OVMF/OVMF_CODE_4M.fd"), "OVMF missing: apt-get install ovmf");
  const dir = await mkdtemp(join(tmpdir(), "brokkr-shot-test-"));
  const r = await bootTest({
    arch: "x86_64",
    firmware: "uefi",
    timeoutMs: 90_000,
    expect: [/BdsDxe/],
    display: true,
    keepRunning: true,
  });
  try {
    assert.ok(r.ok, r.error?.message);
    const file = join(dir, "screen.png");
    const size = await r.screenshot(file);
    assert.ok(size.width >= 640 && size.height >= 480, JSON.stringify(size));
    assert.deepEqual([...(await readFile(file)).subarray(1, 4)], [...Buffer.from("PNG")]);
    const stats = await sharp(file).stats();
    // Not all black: OVMF drew its logo and boot messages.
    assert.ok(
      stats.channels.some((c) => c.max > 100),
      "the screen is black",
    );
  } finally {
    await r.stop();
    await rm(dir, { recursive: true, force: true });
  }
  await assert.rejects(r.screenshot(join(dir, "late.png")), /running VM/);
});
