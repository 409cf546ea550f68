// The initramfs is real zstd that both Node and the host's zstd read back to the exact cpio.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import zlib from "node:zlib";
import { BlobCache } from "../feeds/debian/cache.ts";
import { writeCpio } from "../formats/cpio.ts";
import { Tree } from "../rootfs/tree.ts";
import { buildInitramfs, buildInitramfsCached } from "./image.ts";

function sampleTree(): Tree {
  const tree = new Tree({ sourceDateEpoch: 1_700_000_000 });
  tree.mkdirp("usr/bin");
  // Big enough for zstd's workers to split it into several jobs.
  const big = Buffer.alloc(24 << 20);
  for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i * 2654435761 >>> 0, i);
  tree.writeFile("usr/bin/big", big, { mode: 0o755 });
  tree.writeFile("etc/hostname", Buffer.from("brokkr\n"), { mode: 0o644 });
  tree.symlink("init", "usr/bin/big");
  return tree;
}

test("buildInitramfs gives zstd that Node and the host's zstd decode to the same cpio, twice the same", () => {
  const tree = sampleTree();
  const cpio = Buffer.concat([...writeCpio(tree.nodes())]);
  const a = buildInitramfs(tree);
  const b = buildInitramfs(sampleTree());
  assert.ok(a.length > 8 && a.length < cpio.length);
  assert.ok(a.equals(b), "same tree, same bytes");
  assert.ok(zlib.zstdDecompressSync(a).equals(cpio));
  assert.ok(execFileSync("zstd", ["-dc"], { input: a, maxBuffer: 1 << 27 }).equals(cpio));
});

test("buildInitramfsCached: a rebuild takes the cached zstd; a damaged cache entry is made again", async () => {
  const dir = mkdtempSync(join(tmpdir(), "brokkr-initramfs-cache-"));
  try {
    const cache = new BlobCache(dir);
    const fresh = buildInitramfs(sampleTree());
    const first = await buildInitramfsCached(sampleTree(), cache);
    assert.ok(first.equals(fresh), "same bytes as without the cache");
    const entries = readdirSync(join(dir, "derived", "initramfs"), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
    const entry = entries.find((p) => readFileSync(p).equals(first));
    const sum = entries.find((p) => p !== entry);
    assert.ok(entry && sum, "the result and its checksum are stored");
    // A changed entry with a matching checksum is returned as is: proof the rebuild read it.
    const marked = Buffer.concat([first, Buffer.from("marked")]);
    writeFileSync(entry, marked);
    writeFileSync(sum, createHash("sha256").update(marked).digest("hex"));
    assert.ok((await buildInitramfsCached(sampleTree(), cache)).equals(marked), "served from the cache");
    writeFileSync(entry, first.subarray(0, first.length >> 1));
    const again = await buildInitramfsCached(sampleTree(), cache);
    assert.ok(again.equals(fresh), "a truncated entry is not shipped");
    assert.ok(readFileSync(entry).equals(fresh), "and is replaced");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
