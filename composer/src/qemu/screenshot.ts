// A screenshot of the guest's display through QMP `screendump`. QEMU ≥ 7.1 writes PNG itself
// when built with libpng; otherwise it writes PPM (P6), which we convert to PNG with sharp.

import { mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { BrokkrError } from "../errors.ts";
import type { QmpClient } from "./qmp.ts";

/** Writes the current display to `file` as PNG; resolves with its width and height. */
export async function takeScreenshot(
  qmp: QmpClient,
  file: string,
): Promise<{ width: number; height: number }> {
  // QEMU writes the file itself (it may run as another user in the future: keep it in a dir of ours).
  const dir = await mkdtemp(join(tmpdir(), "brokkr-shot-"));
  try {
    const png = join(dir, "screen.png");
    try {
      await qmp.execute("screendump", { filename: png, format: "png" });
      await rename(png, file);
    } catch (error) {
      if (!(error instanceof BrokkrError) || !/format|png/i.test(error.message)) throw error;
      const ppm = join(dir, "screen.ppm");
      await qmp.execute("screendump", { filename: ppm });
      await ppmToPng(await readFile(ppm), file);
    }
    const meta = await sharp(file).metadata();
    return { width: meta.width ?? 0, height: meta.height ?? 0 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Converts a binary PPM (P6, maxval 255), as QEMU writes it, to a PNG file. */
export async function ppmToPng(ppm: Buffer, file: string): Promise<void> {
  // Header: "P6" whitespace width whitespace height whitespace maxval, one whitespace, pixels.
  const m = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 64).toString("latin1"));
  if (m?.[3] !== "255" || m === null)
    throw new BrokkrError("qemu.failed", "screendump wrote no 8-bit P6 PPM");
  const width = Number(m[1]);
  const height = Number(m[2]);
  const pixels = ppm.subarray(m[0].length);
  if (pixels.length < width * height * 3) throw new BrokkrError("qemu.failed", "screendump PPM is truncated");
  await sharp(pixels.subarray(0, width * height * 3), { raw: { width, height, channels: 3 } })
    .png()
    .toFile(file);
}
