// 24-bit Windows BMP (BITMAPINFOHEADER, uncompressed): the one image format systemd-stub's
// `.splash` reader takes besides 8-bit palettes. Rows are stored bottom-up, BGR, each padded
// to a multiple of 4 bytes.
import { BrokkrError } from "../errors.ts";

const FILE_HEADER = 14;
const INFO_HEADER = 40;
/** 72 dpi, what most writers put; the stub ignores it. */
const PIXELS_PER_METER = 2835;

export interface BmpInfo {
  width: number;
  height: number;
  bitsPerPixel: number;
  /** Offset of the pixel rows in the file. */
  dataOffset: number;
}

/** `rgb` holds width×height pixels, 3 bytes each (R, G, B), rows top-down (sharp's raw output). */
export function writeBmp24(rgb: Buffer, width: number, height: number): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new BrokkrError("internal", `BMP size ${width}×${height} is not a positive size`);
  }
  if (rgb.length !== width * height * 3) {
    throw new BrokkrError("internal", `BMP ${width}×${height} needs ${width * height * 3} RGB bytes, got ${rgb.length}`);
  }
  const stride = (width * 3 + 3) & ~3;
  const offset = FILE_HEADER + INFO_HEADER;
  const out = Buffer.alloc(offset + stride * height);
  out.write("BM", 0, "latin1");
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(offset, 10);
  out.writeUInt32LE(INFO_HEADER, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22); // positive: bottom-up rows
  out.writeUInt16LE(1, 26); // planes
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(0, 30); // BI_RGB
  out.writeUInt32LE(stride * height, 34);
  out.writeInt32LE(PIXELS_PER_METER, 38);
  out.writeInt32LE(PIXELS_PER_METER, 42);
  for (let y = 0; y < height; y++) {
    const src = y * width * 3;
    let dst = offset + (height - 1 - y) * stride;
    for (let x = 0; x < width * 3; x += 3, dst += 3) {
      out[dst] = rgb[src + x + 2]!;
      out[dst + 1] = rgb[src + x + 1]!;
      out[dst + 2] = rgb[src + x]!;
    }
  }
  return out;
}

/** The header fields of an uncompressed BMP, or a BrokkrError("asset.invalid") saying what is wrong. */
export function readBmpInfo(data: Buffer, what = "BMP"): BmpInfo {
  const bad = (why: string) => new BrokkrError("asset.invalid", `${what}: ${why}`, { hint: "upload the image again to convert it" });
  if (data.length < FILE_HEADER + INFO_HEADER || data.toString("latin1", 0, 2) !== "BM") throw bad("not a BMP file");
  if (data.readUInt32LE(14) < INFO_HEADER) throw bad("the header is older than BITMAPINFOHEADER");
  const info = {
    width: data.readInt32LE(18),
    height: Math.abs(data.readInt32LE(22)),
    bitsPerPixel: data.readUInt16LE(28),
    dataOffset: data.readUInt32LE(10),
  };
  if (data.readUInt32LE(30) !== 0) throw bad("compressed BMPs are not shown by systemd-stub");
  const stride = (((info.width * info.bitsPerPixel + 7) >> 3) + 3) & ~3;
  if (info.width < 1 || info.height < 1 || info.dataOffset + stride * info.height > data.length) throw bad("truncated pixel data");
  return info;
}
