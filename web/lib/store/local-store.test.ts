import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runStoreConformance } from "./conformance.ts";
import { hashFile, LocalStore } from "./local-store.ts";

const dir = mkdtempSync(join(tmpdir(), "brokkr-store-"));
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
let stores = 0;

runStoreConformance({
  name: "local directory",
  newStore: async () => {
    const store = new LocalStore(join(dir, `conf-${stores++}`));
    return { store, tamper: (sha256, bytes) => writeFile(store.pathOf(sha256), bytes) };
  },
});

test("the layout stays <root>/sha256/<hh>/<sha256>: stores written by older versions read as before", async () => {
  const root = join(dir, "old");
  const path = join(root, "sha256", sha("old").slice(0, 2), sha("old"));
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, "old");
  writeFileSync(`${path}.tmp-abc123`, "a temp file an older version left");
  const store = new LocalStore(root);
  assert.equal(store.pathOf(sha("old")), path);
  assert.equal(store.localPath(sha("old")), path);
  assert.equal((await store.read(sha("old"))).toString(), "old");
  const all = [];
  for await (const b of store.list()) all.push(b.sha256);
  assert.deepEqual(all, [sha("old")], "temp files are not blobs");
  assert.equal((await store.sweep(new Date(Date.now() + 1000))).removedStaged, 1);
  assert.equal(existsSync(`${path}.tmp-abc123`), false);
});

test("moveIn removes the source and leaves no staging directory behind", async () => {
  const store = new LocalStore(join(dir, "move"));
  writeFileSync(join(dir, "a.img"), "hello");
  assert.deepEqual(await store.moveIn(join(dir, "a.img")), { sha256: sha("hello"), size: 5 });
  assert.equal(readFileSync(store.pathOf(sha("hello")), "utf8"), "hello");
  assert.equal(existsSync(join(dir, "a.img")), false);
  const incoming = join(dir, "move", "incoming");
  assert.deepEqual(existsSync(incoming) ? readdirSync(incoming) : [], []);
});

test("hashFile streams: a 5 MiB file hashes like the whole buffer", async () => {
  const big = Buffer.alloc(5 * 1024 * 1024, 7);
  writeFileSync(join(dir, "big"), big);
  assert.deepEqual(await hashFile(join(dir, "big")), { sha256: sha(big), size: big.length });
});
