// The initramfs is real zstd that both Node and the host's zstd read back to the exact cpio.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import zlib from "node:zlib";
import { writeCpio } from "../formats/cpio.ts";
import { Tree } from "../rootfs/tree.ts";
import { buildInitramfs } from "./image.ts";

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
