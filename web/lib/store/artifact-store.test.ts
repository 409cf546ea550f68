import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ArtifactStore, hashFile } from "./artifact-store.ts";

const dir = mkdtempSync(join(tmpdir(), "brokkr-store-"));
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

test("moveIn names a file by its sha256 under sha256/<hh>/ and removes the source", async () => {
  const store = new ArtifactStore(join(dir, "store"));
  const src = join(dir, "a.img");
  writeFileSync(src, "hello");
  const blob = await store.moveIn(src);
  assert.deepEqual(blob, { sha256: sha("hello"), size: 5 });
  const path = store.pathOf(blob.sha256);
  assert.equal(path, join(dir, "store", "sha256", sha("hello").slice(0, 2), sha("hello")));
  assert.equal(readFileSync(path, "utf8"), "hello");
  assert.equal(existsSync(src), false);
  assert.equal(await store.has(blob.sha256), true);
});

test("the same bytes twice are stored once", async () => {
  const store = new ArtifactStore(join(dir, "store"));
  writeFileSync(join(dir, "b"), "same");
  writeFileSync(join(dir, "c"), "same");
  const one = await store.moveIn(join(dir, "b"));
  const two = await store.moveIn(join(dir, "c"));
  assert.deepEqual(one, two);
  assert.equal(existsSync(join(dir, "c")), false);
});

test("hashFile streams: a 5 MiB file hashes like the whole buffer", async () => {
  const big = Buffer.alloc(5 * 1024 * 1024, 7);
  writeFileSync(join(dir, "big"), big);
  assert.deepEqual(await hashFile(join(dir, "big")), { sha256: sha(big), size: big.length });
});

test("pathOf refuses anything but a sha256, so no name can climb out of the store", () => {
  const store = new ArtifactStore(join(dir, "store"));
  assert.throws(() => store.pathOf("../../etc/passwd"), { code: "internal" });
  assert.throws(() => store.pathOf("A".repeat(64)), { code: "internal" });
});
