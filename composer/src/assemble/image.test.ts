// The initramfs is real zstd that both Node and the host's zstd read back to the exact cpio.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import zlib from "node:zlib";
import { BlobCache } from "../feeds/debian/cache.ts";
import { writeCpio } from "../formats/cpio.ts";
import { Tree } from "../rootfs/tree.ts";
import { buildInitramfs, buildInitramfsCached } from "./image.ts";
import { rereadSettings } from "../settings/index.ts";

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

test("buildInitramfsCached: a rebuild takes the cached zstd; a rewritten or damaged cache entry is made again", async () => {
  const dir = mkdtempSync(join(tmpdir(), "brokkr-initramfs-cache-"));
  process.env["BROKKR_STATE_DIR"] = join(dir, "state"); // the sealing key, outside the cache
  rereadSettings();
  try {
    const cache = new BlobCache(join(dir, "cache"));
    const fresh = buildInitramfs(sampleTree());
    const first = await buildInitramfsCached(sampleTree(), cache);
    assert.ok(first.equals(fresh), "same bytes as without the cache");
    const files = () =>
      readdirSync(join(cache.root, "derived", "initramfs"), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name));
    const entry = files().find((p) => readFileSync(p).subarray(-first.length).equals(first));
    assert.ok(entry, "the result is stored");
    const ino = statSync(entry).ino;
    assert.ok((await buildInitramfsCached(sampleTree(), cache)).equals(fresh));
    assert.equal(statSync(entry).ino, ino, "served from the cache, not made and written again");

    // Someone who can write the whole cache puts another initramfs (valid zstd) in the entry and
    // rewrites every other file there to match it: it must never be shipped.
    const other = new Tree({ sourceDateEpoch: 1_700_000_000 });
    other.writeFile("init", Buffer.from("#!/bin/sh\necho owned\n"), { mode: 0o755 });
    const forged = buildInitramfs(other);
    const old = readFileSync(entry);
    writeFileSync(entry, Buffer.concat([old.subarray(0, old.length - first.length), forged]));
    for (const p of files()) if (p !== entry) writeFileSync(p, createHash("sha256").update(forged).digest("hex"));
    const got = await buildInitramfsCached(sampleTree(), cache);
    assert.ok(!got.equals(forged), "the forged entry was used");
    assert.ok(got.equals(fresh));
    assert.ok(readFileSync(entry).subarray(-fresh.length).equals(fresh), "and is replaced");

    writeFileSync(entry, first.subarray(0, first.length >> 1));
    const again = await buildInitramfsCached(sampleTree(), cache);
    assert.ok(again.equals(fresh), "a truncated entry is not shipped");
    assert.ok(readFileSync(entry).subarray(-fresh.length).equals(fresh), "and is replaced");
  } finally {
    delete process.env["BROKKR_STATE_DIR"];
    rereadSettings();
    rmSync(dir, { recursive: true, force: true });
  }
});
