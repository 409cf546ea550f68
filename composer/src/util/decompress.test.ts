import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { BrokkrError } from "../errors.ts";
import { compressFixture } from "../rootfs/deb-fixture.ts";
import { type CompressionKind, decompress, forceInProcessDecoders, kindFromName } from "./decompress.ts";

/** Deterministic, partly compressible data: text runs between pseudo-random blocks. */
function sampleData(): Buffer {
  const out = Buffer.alloc(256 * 1024);
  let x = 0x9e3779b9;
  for (let i = 0; i < out.length; i++) {
    if ((i >> 12) % 2 === 0) {
      out[i] = 0x61 + (i % 23);
    } else {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
  }
  return out;
}

function hasTool(name: string): boolean {
  try {
    execFileSync(name, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Runs `fn` with the in-process decoders forced on or off. */
async function withPath<T>(inProcess: boolean, fn: () => Promise<T>): Promise<T> {
  forceInProcessDecoders(inProcess);
  try {
    return await fn();
  } finally {
    forceInProcessDecoders(false);
  }
}

async function assertRejectsInvalid(p: Promise<unknown>, what: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof BrokkrError, `${what}: expected a BrokkrError, got ${String(err)}`);
    assert.equal(err.code, "deb.invalid", what);
    return true;
  });
}

const data = sampleData();
const kinds: Exclude<CompressionKind, "none">[] = ["gz", "xz", "zst"];

describe("decompress", { timeout: 120_000 }, () => {
  for (const kind of kinds) {
    // gzip always uses node:zlib, so it has one path only.
    for (const inProcess of kind === "gz" ? [true] : [false, true]) {
      const label = `${kind} ${inProcess ? "in-process" : "host tool"}`;
      it(`${label}: round-trips and rejects truncated and bit-flipped input`, async (t) => {
        if (kind === "xz" && !hasTool("xz"))
          return t.skip("xz is not installed (needed to make the fixture)");
        if (!inProcess && kind === "zst" && !hasTool("zstd")) return t.skip("zstd is not on PATH");
        if (!inProcess && kind === "xz" && !hasTool("xz")) return t.skip("xz is not on PATH");
        const packed = compressFixture(data, kind);
        await withPath(inProcess, async () => {
          assert.ok((await decompress(packed, kind)).equals(data));
          for (const cut of [1, 4, 12, 100, packed.length >> 1, packed.length - 1]) {
            await assertRejectsInvalid(
              decompress(packed.subarray(0, packed.length - cut), kind),
              `${label} cut ${cut}`,
            );
          }
          await assertRejectsInvalid(decompress(Buffer.alloc(0), kind), `${label} empty`);
          // gzip's mtime/xfl/os header bytes (4..9) are not checksummed: flipping them is harmless.
          const step = Math.floor(packed.length / 41);
          for (let pos = 0; pos < packed.length; pos += step) {
            if (kind === "gz" && pos >= 4 && pos <= 9) continue;
            for (const bit of [0x01, 0x80]) {
              const bad = Buffer.from(packed);
              bad[pos]! ^= bit;
              await assertRejectsInvalid(
                decompress(bad, kind),
                `${label} flip ${bit} at ${pos}/${packed.length}`,
              );
            }
          }
          await assertRejectsInvalid(
            decompress(Buffer.from("not compressed at all"), kind),
            `${label} garbage`,
          );
        });
      });
    }
  }

  it("host and in-process paths give identical output", async (t) => {
    if (!hasTool("xz") || !hasTool("zstd")) return t.skip("xz or zstd is not on PATH");
    for (const kind of kinds) {
      const packed = compressFixture(data, kind);
      const host = await withPath(false, () => decompress(packed, kind));
      const wasm = await withPath(true, () => decompress(packed, kind));
      assert.ok(host.equals(wasm), kind);
    }
  });

  it("passes uncompressed data through untouched", async () => {
    assert.equal(await decompress(data, "none"), data);
  });

  it("judges the kind by the name", () => {
    assert.equal(kindFromName("data.tar.xz"), "xz");
    assert.equal(kindFromName("control.tar.gz"), "gz");
    assert.equal(kindFromName("data.tar.zst"), "zst");
    assert.equal(kindFromName("data.tar"), "none");
    assert.throws(
      () => kindFromName("data.tar.bz2"),
      (e: unknown) => e instanceof BrokkrError && e.code === "deb.invalid",
    );
  });
});
