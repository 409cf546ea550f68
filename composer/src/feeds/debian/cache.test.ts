import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { BrokkrError } from "../../errors.ts";
import { resolveSettings } from "../../settings/index.ts";
import { BlobCache, defaultCacheRoot, sha256Hex } from "./cache.ts";
import { TrustState } from "./trust-state.ts";

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});
function newCache(): BlobCache {
  const root = mkdtempSync(join(tmpdir(), "brokkr-cache-"));
  roots.push(root);
  return new BlobCache(join(root, "cache"), new TrustState(join(root, "state")));
}

test("default root: BROKKR_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache", () => {
  assert.equal(defaultCacheRoot(resolveSettings({ BROKKR_CACHE_DIR: "/c", XDG_CACHE_HOME: "/x" })), "/c");
  assert.equal(defaultCacheRoot(resolveSettings({ XDG_CACHE_HOME: "/x" })), "/x/brokkr");
  assert.match(defaultCacheRoot(resolveSettings({})), /\/\.cache\/brokkr$/);
});

test("write then read round-trips; the path is content-addressed", async () => {
  const cache = newCache();
  const data = Buffer.from("hello blob");
  const h = sha256Hex(data);
  assert.equal(await cache.has(h), false);
  const path = await cache.write(h, data);
  assert.equal(path, cache.blobPath(h));
  assert.ok(path.endsWith(`/sha256/${h.slice(0, 2)}/${h}`));
  assert.equal(await cache.has(h), true);
  assert.deepEqual(await cache.read(h), data);
  assert.equal(await cache.verify(h), true);
  // Upper-case hex names the same blob.
  assert.deepEqual(await cache.read(h.toUpperCase()), data);
});

test("write refuses data whose hash is not the name, and leaves nothing behind", async () => {
  const cache = newCache();
  const h = sha256Hex("expected");
  await assert.rejects(
    cache.write(h, Buffer.from("other")),
    (e: unknown) => e instanceof BrokkrError && e.code === "feed.checksum-mismatch",
  );
  assert.equal(existsSync(cache.blobPath(h)), false);
  assert.equal(existsSync(join(cache.root, "blobs")), false);
});

test("a damaged blob is deleted and reported missing by read and by verify", async () => {
  const cache = newCache();
  const a = Buffer.from("aaaa");
  const ha = sha256Hex(a);
  const path = await cache.write(ha, a);
  writeFileSync(path, "aaab");
  assert.equal(await cache.read(ha), undefined);
  assert.equal(existsSync(path), false);

  const b = Buffer.from("bbbb");
  const hb = sha256Hex(b);
  const pb = await cache.write(hb, b);
  writeFileSync(pb, "bb"); // truncated
  assert.equal(await cache.verify(hb), false);
  assert.equal(existsSync(pb), false);
  assert.equal(await cache.verify(hb), false); // absent is simply false
});

test("no temp files remain after writes, and rewriting a blob is harmless", async () => {
  const cache = newCache();
  const d = Buffer.from("x".repeat(10_000));
  const h = sha256Hex(d);
  await Promise.all([cache.write(h, d), cache.write(h, d), cache.write(h, d)]);
  assert.deepEqual(readdirSync(dirname(cache.blobPath(h))), [h]);
  assert.deepEqual(readFileSync(cache.blobPath(h)), d);
});

test("rejects names that are not sha256 hex", () => {
  const cache = newCache();
  assert.throws(() => cache.blobPath("../../etc/passwd"), BrokkrError);
  assert.throws(() => cache.blobPath("ab"), BrokkrError);
});

test("derived store: keyed by input and salted by version", async () => {
  const cache = newCache();
  const v1 = cache.derived("packages", "v1");
  const v2 = cache.derived("packages", "v2");
  assert.equal(await v1.read("k"), undefined);
  await v1.write("k", "[1,2]");
  assert.equal((await v1.read("k"))?.toString(), "[1,2]");
  assert.equal(await v2.read("k"), undefined, "a new format version misses old entries");
  assert.equal(await v1.read("other"), undefined);
  await v1.remove("k");
  assert.equal(await v1.read("k"), undefined);
});
