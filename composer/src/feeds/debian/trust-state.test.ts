// The state that must outlive the cache (sealing key, newest Release dates) and the seal on
// derived cache entries, tried by someone who can write the cache but not the state dir.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BlobCache } from "./cache.ts";
import { resolveSettings } from "../../settings/index.ts";
import { TrustState, defaultStateDir } from "./trust-state.ts";

const dir = mkdtempSync(join(tmpdir(), "brokkr-trust-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const root = join(dir, String(++n));
  return { state: new TrustState(join(root, "state")), cache: new BlobCache(join(root, "cache"), new TrustState(join(root, "state"))), root };
};

test("default state dir: BROKKR_STATE_DIR, then XDG_STATE_HOME, then ~/.local/state", () => {
  assert.equal(defaultStateDir(resolveSettings({ BROKKR_STATE_DIR: "/s", XDG_STATE_HOME: "/x" })), "/s");
  assert.equal(defaultStateDir(resolveSettings({ XDG_STATE_HOME: "/x" })), "/x/brokkr");
  assert.equal(defaultStateDir(resolveSettings({})), join(homedir(), ".local", "state", "brokkr"));
});

test("the sealing key: made once, mode 0600 in a 0700 dir, shared by concurrent first users", async () => {
  const { root } = fresh();
  const states = Array.from({ length: 8 }, () => new TrustState(join(root, "state")));
  const keys = await Promise.all(states.map((s) => s.sealKey()));
  for (const k of keys) assert.ok(k.equals(keys[0]!), "every process sees the same key");
  const file = join(root, "state", "cache-seal.key");
  assert.ok(readFileSync(file).equals(keys[0]!));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(statSync(join(root, "state")).mode & 0o777, 0o700);
  assert.ok((await new TrustState(join(root, "state")).sealKey()).equals(keys[0]!), "and later ones");
});

test("a damaged key or a state dir that cannot be written is a clear error", async () => {
  const { root } = fresh();
  mkdirSync(join(root, "state"), { recursive: true });
  writeFileSync(join(root, "state", "cache-seal.key"), "short");
  await assert.rejects(new TrustState(join(root, "state")).sealKey(), (e: Error & { code?: string; hint?: string }) => {
    assert.equal(e.code, "io");
    assert.match(e.message, /is 5 bytes, not 32/);
    assert.match(e.hint ?? "", /delete .*cache-seal\.key/);
    return true;
  });
  writeFileSync(join(root, "file"), ""); // a file where the state dir's parent should be
  await assert.rejects(new TrustState(join(root, "file", "state")).sealKey(), (e: Error & { code?: string; hint?: string }) => {
    assert.equal(e.code, "io");
    assert.match(e.hint ?? "", /BROKKR_STATE_DIR/);
    return true;
  });
});

test("newest Release date: kept per mirror and suite, never moves back, written atomically", async () => {
  const { state } = fresh();
  const m = "http://127.0.0.1:1/debian";
  assert.equal(await state.newestReleaseDate(m, "trixie"), undefined);
  await state.recordReleaseDate(`${m}/`, "trixie", new Date("2025-11-02T00:00:00Z"));
  await state.recordReleaseDate(m, "trixie", new Date("2025-11-01T00:00:00Z"));
  assert.equal((await state.newestReleaseDate(m, "trixie"))?.toISOString(), "2025-11-02T00:00:00.000Z");
  assert.equal(await state.newestReleaseDate(m, "sid"), undefined);
  assert.equal(await state.newestReleaseDate("http://127.0.0.1:2/debian", "trixie"), undefined);
  const file = state.releaseDateFile(m, "trixie");
  writeFileSync(file, "{");
  await assert.rejects(state.newestReleaseDate(m, "trixie"), /does not hold a date/);
});

test("sealed entries: a rewritten, unsealed, moved or renamed entry reads as missing and is deleted", async () => {
  const { cache } = fresh();
  const store = cache.derived("packages", "v1");
  await store.write("a", "[1]");
  await store.write("b", "[2]");
  assert.equal((await store.read("a"))?.toString(), "[1]");

  const a = store.pathOf("a");
  const sealed = readFileSync(a);
  writeFileSync(a, Buffer.concat([sealed.subarray(0, -3), Buffer.from("[9]")]));
  assert.equal(await store.read("a"), undefined, "bytes changed behind a valid-looking header");
  assert.throws(() => statSync(a), "and the entry is deleted");

  writeFileSync(a, "[1]");
  assert.equal(await store.read("a"), undefined, "an entry without a seal");

  renameSync(store.pathOf("b"), a);
  assert.equal(await store.read("a"), undefined, "b's entry under a's key");

  await store.write("a", "[1]");
  const other = cache.derived("deb-tars", "v1");
  mkdirSync(join(other.pathOf("a"), ".."), { recursive: true });
  writeFileSync(other.pathOf("a"), readFileSync(a));
  assert.equal(await other.read("a"), undefined, "an entry of another namespace");
  const v2 = cache.derived("packages", "v2");
  mkdirSync(join(v2.pathOf("a"), ".."), { recursive: true });
  writeFileSync(v2.pathOf("a"), readFileSync(a));
  assert.equal(await v2.read("a"), undefined, "an entry of another format version");
});

test("entries sealed with another key (another state dir) are not trusted", async () => {
  const one = fresh();
  await one.cache.derived("packages", "v1").write("k", "[1]");
  const two = new BlobCache(one.cache.root, new TrustState(join(one.root, "other-state")));
  assert.equal(await two.derived("packages", "v1").read("k"), undefined);
});
