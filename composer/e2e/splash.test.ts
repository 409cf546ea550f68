// branding.splash end to end: build examples/minimal.yaml with a splash BMP from an asset
// directory (BROKKR_ASSETS_DIR), find it as the UKI's `.splash` (objdump), then boot disk.img
// under OVMF with a virtual display and catch systemd-stub drawing it (QMP screendumps).
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse, stringify } from "yaml";
import { writeBmp24 } from "../src/formats/bmp.ts";
import { prepareMachine } from "../src/qemu/firmware.ts";
import { repo, runCli, sharedCache, userDir } from "./helpers.ts";

// Orange, with a dark frame, so a frame of the boot that shows it cannot be an accident.
const [W, H] = [320, 200];
const rgb = Buffer.alloc(W * H * 3);
for (let y = 0; y < H; y++) {
  for (let x = 0; x < W; x++) {
    const edge = x < 8 || y < 8 || x >= W - 8 || y >= H - 8;
    rgb.set(edge ? [20, 20, 20] : [255, 140, 0], (y * W + x) * 3);
  }
}
const bmp = writeBmp24(rgb, W, H);
const sha = createHash("sha256").update(bmp).digest("hex");

/** Share of sampled pixels of a binary PPM (P6) that are the splash's orange. */
function orangeShare(ppm: Buffer): number {
  const m = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.toString("latin1", 0, 40));
  if (!m) return 0;
  const px = ppm.subarray(m[0].length);
  let hits = 0;
  let n = 0;
  for (let i = 0; i + 2 < px.length; i += 3 * 31, n++) {
    if (px[i]! > 230 && px[i + 1]! > 110 && px[i + 1]! < 170 && px[i + 2]! < 40) hits++;
  }
  return n ? hits / n : 0;
}

/** Asks QEMU for a screendump every 250 ms until `found` says yes or `ms` pass. */
async function watchScreen(socket: string, file: string, found: (ppm: Buffer) => boolean, ms: number): Promise<boolean> {
  const sock = connect(socket);
  await new Promise<void>((resolve, reject) => sock.once("connect", resolve).once("error", reject));
  let buf = "";
  const waiting: ((msg: Record<string, unknown>) => void)[] = [];
  sock.on("data", (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      const msg = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
      buf = buf.slice(nl + 1);
      if ("return" in msg || "error" in msg || "QMP" in msg) waiting.shift()?.(msg);
    }
  });
  const ask = (cmd: object) =>
    new Promise<Record<string, unknown>>((resolve) => {
      waiting.push(resolve);
      sock.write(`${JSON.stringify(cmd)}\n`);
    });
  await new Promise<Record<string, unknown>>((resolve) => waiting.push(resolve)); // greeting
  await ask({ execute: "qmp_capabilities" });
  try {
    for (const end = Date.now() + ms; Date.now() < end; ) {
      const r = await ask({ execute: "screendump", arguments: { filename: file } });
      if ("return" in r && found(readFileSync(file))) return true;
      await new Promise((res) => setTimeout(res, 250));
    }
    return false;
  } finally {
    sock.destroy();
  }
}

describe("branding.splash, end to end", { timeout: 20 * 60_000 }, () => {
  const out = userDir("brokkr-splash-");
  const assets = userDir("brokkr-splash-assets-");
  let uki: Buffer;

  before(async () => {
    writeFileSync(join(assets, `${sha}.bmp`), bmp, { mode: 0o644 });
    const spec = parse(readFileSync(join(repo, "examples/minimal.yaml"), "utf8"));
    spec.name = "minimal-splash";
    spec.outputs = ["disk", "uki"];
    spec.branding = { splash: sha };
    const specFile = join(out, "spec.yaml");
    writeFileSync(specFile, stringify(spec), { mode: 0o644 });
    const missing = await runCli(["build", specFile, "--out", join(out, "none")], { BROKKR_CACHE_DIR: sharedCache() });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, new RegExp(`asset\\.not-found.*${sha}`));
    const r = await runCli(["build", specFile, "--out", join(out, "img")], { BROKKR_CACHE_DIR: sharedCache(), BROKKR_ASSETS_DIR: assets });
    assert.equal(r.code, 0, `build failed:\n${r.stderr}\n${r.stdout}`);
    uki = readFileSync(join(out, "img/uki.efi"));
  });
  after(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(assets, { recursive: true, force: true });
  });

  test("the UKI's .splash section is the asset, byte for byte", () => {
    const r = spawnSync("objdump", ["-h", join(out, "img/uki.efi")], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const m = /^\s*\d+\s+\.splash\s+([0-9a-f]+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)/m.exec(r.stdout);
    assert.ok(m, r.stdout);
    const [size, offset] = [Number.parseInt(m[1]!, 16), Number.parseInt(m[2]!, 16)];
    assert.ok(uki.subarray(offset, offset + size).equals(bmp));
  });

  test("systemd-stub draws the splash on the screen at boot", async () => {
    const machine = await prepareMachine("x86_64", "uefi");
    const qmp = join(out, "qmp.sock");
    const qemu = spawn(
      machine.binary,
      [...machine.args, "-m", "1024", "-display", "none", "-vga", "std", "-net", "none", "-serial", "null",
        "-drive", `file=${join(out, "img/disk.img")},format=raw,if=virtio,snapshot=on`,
        "-qmp", `unix:${qmp},server=on,wait=off`],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    qemu.stderr.on("data", (d: Buffer) => void (stderr += d.toString()));
    try {
      for (let i = 0; i < 50 && !existsSync(qmp); i++) await new Promise((r) => setTimeout(r, 100));
      const shown = await watchScreen(qmp, join(out, "screen.ppm"), (ppm) => orangeShare(ppm) > 0.02, 180_000);
      assert.ok(shown, `the splash never appeared on the screen\n${stderr}`);
    } finally {
      qemu.kill("SIGKILL");
      if (machine.tempDir) rmSync(machine.tempDir, { recursive: true, force: true });
    }
  });
});
