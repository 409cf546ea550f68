// The BMP writer against its header layout and two independent readers: file(1) and a small
// Python reader that decodes the pixels with struct.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { goldenMismatch } from "../errata/goldens.ts";
import { readBmpInfo, writeBmp24 } from "./bmp.ts";

/** A w×h test picture whose every pixel differs: R = x, G = y, B = x ^ y. */
function picture(w: number, h: number): Buffer {
  const rgb = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) rgb.set([x & 255, y & 255, (x ^ y) & 255], (y * w + x) * 3);
  }
  return rgb;
}

// Independent of our code: parses the headers with struct and prints the pixels top-down as RGB hex.
const pythonReader = `
import struct, sys
d = open(sys.argv[1], 'rb').read()
magic, size, _, _, off = struct.unpack_from('<2sIHHI', d, 0)
hs, w, h, planes, bpp, comp, isz = struct.unpack_from('<IiiHHII', d, 14)
assert magic == b'BM' and size == len(d) and planes == 1 and bpp == 24 and comp == 0, (magic, size, planes, bpp, comp)
stride = (w * 3 + 3) // 4 * 4
assert isz == stride * abs(h)
rows = []
for y in range(abs(h)):
    r = d[off + (abs(h) - 1 - y) * stride:][:w * 3] if h > 0 else d[off + y * stride:][:w * 3]
    rows.append(b''.join(bytes((r[i + 2], r[i + 1], r[i])) for i in range(0, w * 3, 3)))
    assert d[off + (abs(h) - 1 - y) * stride + w * 3:][:stride - w * 3] == bytes(stride - w * 3)
print(w, abs(h), b''.join(rows).hex())
`;

test("writeBmp24 writes the file and info headers", () => {
  const bmp = writeBmp24(picture(5, 3), 5, 3);
  const stride = 16; // 5 × 3 = 15 bytes, padded to 16
  assert.equal(bmp.toString("latin1", 0, 2), "BM");
  assert.equal(bmp.readUInt32LE(2), bmp.length);
  assert.equal(bmp.length, 54 + stride * 3);
  assert.equal(bmp.readUInt32LE(10), 54);
  assert.equal(bmp.readUInt32LE(14), 40);
  assert.equal(bmp.readInt32LE(18), 5);
  assert.equal(bmp.readInt32LE(22), 3, "positive height: bottom-up");
  assert.equal(bmp.readUInt16LE(26), 1);
  assert.equal(bmp.readUInt16LE(28), 24);
  assert.equal(bmp.readUInt32LE(30), 0);
  assert.equal(bmp.readUInt32LE(34), stride * 3);
  assert.deepEqual(readBmpInfo(bmp), { width: 5, height: 3, bitsPerPixel: 24, dataOffset: 54 });
});

test("rows are bottom-up BGR, each padded with zeros to 4 bytes", () => {
  for (const w of [1, 2, 3, 4, 7]) {
    const bmp = writeBmp24(picture(w, 2), w, 2);
    const stride = Math.ceil((w * 3) / 4) * 4;
    assert.equal(bmp.length, 54 + 2 * stride, `width ${w}`);
    // The first stored row is the picture's last (y = 1): pixel 0 is R=0, G=1, B=1 → B, G, R.
    assert.deepEqual([...bmp.subarray(54, 57)], [1, 1, 0]);
    assert.deepEqual([...bmp.subarray(54 + stride, 54 + stride + 3)], [0, 0, 0]);
    assert.ok(bmp.subarray(54 + w * 3, 54 + stride).every((b) => b === 0), `padding of width ${w}`);
  }
});

test("file(1) and an independent Python reader read back the same pixels", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "brokkr-bmp-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [w, h] of [[7, 5], [64, 33], [800, 450]] as const) {
    const rgb = picture(w, h);
    const path = join(dir, `${w}x${h}.bmp`);
    writeFileSync(path, writeBmp24(rgb, w, h));
    const f = spawnSync("file", ["-b", path], { encoding: "utf8" });
    if (f.error) assert.fail(`file not runnable: ${f.error.message}`);
    assert.match(f.stdout, new RegExp(`PC bitmap, Windows 3\\.x format, ${w} x ${h} x 24`));
    const py = spawnSync("python3", ["-c", pythonReader, path], { encoding: "utf8", maxBuffer: 1 << 26 });
    if (py.error) assert.fail(`python3 not runnable: ${py.error.message}`);
    assert.equal(py.status, 0, py.stderr);
    const [pw, ph, hex] = py.stdout.trim().split(" ");
    assert.deepEqual([Number(pw), Number(ph)], [w, h]);
    assert.ok(Buffer.from(hex!, "hex").equals(rgb), `pixels of ${w}×${h}`);
  }
});

test("writeBmp24 and readBmpInfo refuse what is not a BMP", () => {
  assert.throws(() => writeBmp24(Buffer.alloc(5), 2, 1), /needs 6 RGB bytes/);
  assert.throws(() => writeBmp24(Buffer.alloc(0), 0, 1), /not a positive size/);
  assert.throws(() => readBmpInfo(Buffer.from("\x89PNG\r\n\x1a\n".padEnd(80, "\0"), "latin1")), /not a BMP file/);
  const cut = writeBmp24(picture(8, 8), 8, 8).subarray(0, 100);
  assert.throws(() => readBmpInfo(cut), /truncated pixel data/);
});

test("writeBmp24 is deterministic: golden sha256", () => {
  assert.equal(goldenMismatch("formats/bmp: writeBmp24", writeBmp24(picture(33, 17), 33, 17)), undefined);
});
