// Our literal-only LZMA1 writer, decoded by an independent reader: Python's lzma module (liblzma)
// with GRUB's parameters. The stream has no end marker, so the reader returns a few bytes more
// than were encoded (the range coder's flush); the encoded bytes must come first, unchanged.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { lzmaLiteralsOnly } from "./lzma.ts";

const decoder = `
import lzma, sys
data = sys.stdin.buffer.read()
d = lzma.LZMADecompressor(format=lzma.FORMAT_RAW, filters=[{"id": lzma.FILTER_LZMA1, "lc": 3, "lp": 0, "pb": 2, "dict_size": 1 << 16}])
sys.stdout.buffer.write(d.decompress(data))
`;

function decode(stream: Buffer): Buffer {
  return execFileSync("python3", ["-c", decoder], { input: stream, maxBuffer: 1 << 26 });
}

for (const [name, data] of [
  ["empty", Buffer.alloc(0)],
  ["one byte", Buffer.from([0x5a])],
  ["zeros", Buffer.alloc(100_000)],
  ["text", Buffer.from("GRUB core.img: kernel, modules, config, prefix\n".repeat(2000))],
  ["random", randomBytes(300_000)],
  ["every byte value", Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff))],
] as const) {
  test(`lzma: ${name} decodes back to the input`, () => {
    const stream = lzmaLiteralsOnly(data);
    const out = decode(stream);
    assert.ok(out.length >= data.length, `decoded ${out.length} of ${data.length} bytes`);
    assert.ok(out.subarray(0, data.length).equals(data), "the decoded bytes differ from the input");
  });
}

test("lzma: adaptive literals compress skewed data and cost little on random data", () => {
  assert.ok(lzmaLiteralsOnly(Buffer.alloc(100_000)).length < 4_000);
  const random = randomBytes(100_000);
  assert.ok(lzmaLiteralsOnly(random).length < random.length * 1.03);
});
