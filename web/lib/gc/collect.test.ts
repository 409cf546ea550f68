// Garbage collection against the real local store and an embedded database: what a URL serves
// stays, superseded and lock builds lose their artifacts, orphan blobs go, a dry run removes
// nothing, --verify removes a corrupt blob, and staging of dead builds is cleared.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Database, openDatabase } from "../db/client.ts";
import * as repo from "../db/repo.ts";
import { LocalStore } from "../store/local-store.ts";
import { collectGarbage, type GcOptions } from "./collect.ts";

const hour = 3_600_000;
const now = new Date(Date.UTC(2026, 11, 3, 12));
const sid = "a".repeat(64);
const bid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
let database: Database;
let store: LocalStore;
let dir: string;

before(async () => {
  database = await openDatabase({});
  dir = mkdtempSync(join(tmpdir(), "brokkr-gc-"));
  store = new LocalStore(join(dir, "store"));
  await repo.saveSchematic(database.db, sid, { name: "gc" } as never);
});
after(async () => {
  await database.close();
});

/** A finished build with one artifact whose blob was written `ageHours` ago. */
async function build(n: number, fields: { status?: "succeeded" | "failed"; lockKey?: string; finishedHoursAgo: number; bytes?: string }) {
  const blob = await store.put(Buffer.from(fields.bytes ?? `artifact of build ${n}`));
  const past = new Date(now.getTime() - fields.finishedHoursAgo * hour);
  utimesSync(store.pathOf(blob.sha256), past, past);
  await repo.insertBuild(database.db, { id: bid(n), schematicId: sid, lockKey: fields.lockKey ?? "", lock: null, createdAt: past });
  await repo.finishBuild(database.db, bid(n), {
    status: fields.status ?? "succeeded",
    error: null,
    finishedAt: past,
    artifacts: [{ file: "disk.img", ...blob }],
  });
  return blob.sha256;
}

const options = (o: Partial<GcOptions> = {}): GcOptions => ({
  db: database.db,
  store,
  now,
  currentErrata: 0,
  graceMs: 24 * hour,
  storeCapBytes: Infinity,
  rowRetentionMs: 1000 * hour,
  dryRun: false,
  verify: false,
  ...o,
});

const stored = async () => {
  const out: string[] = [];
  for await (const b of store.list()) out.push(b.sha256);
  return out.sort();
};

test("a dry run reports and removes nothing; a real run keeps the served build and frees the rest", async () => {
  const served = await build(1, { finishedHoursAgo: 30 });
  const superseded = await build(2, { finishedHoursAgo: 40 });
  const lock = await build(3, { lockKey: "f".repeat(64), finishedHoursAgo: 50 });
  const young = await build(4, { status: "failed", finishedHoursAgo: 2 });
  const orphan = (await store.put(Buffer.from("nobody names me"))).sha256;
  const old = new Date(now.getTime() - 5 * hour);
  utimesSync(store.pathOf(orphan), old, old);

  const dry = await collectGarbage(options({ dryRun: true }));
  assert.equal(dry.served, 1);
  assert.equal(dry.artifactsDropped, 2);
  assert.equal(dry.blobsDeleted, 3, "the two builds' blobs and the orphan would go");
  assert.deepEqual(await stored(), [served, superseded, lock, young, orphan].sort(), "a dry run keeps everything");

  const real = await collectGarbage(options());
  assert.equal(real.blobsDeleted, 3);
  assert.deepEqual(await stored(), [served, young].sort());
  assert.deepEqual((await repo.findBuild(database.db, bid(2)))?.artifacts, []);
  assert.equal((await repo.latestGoodBuild(database.db, sid, 0))?.id, bid(1), "what the URLs serve is untouched");
});

test("--verify finds a blob whose bytes no longer match its name, deletes it and the rows naming it", async () => {
  const sha = await build(5, { finishedHoursAgo: 1, bytes: "to be flipped" });
  writeFileSync(store.pathOf(sha), "flipped bytes");
  const report = await collectGarbage(options({ verify: true }));
  assert.deepEqual(report.corrupt, [sha]);
  assert.equal((await stored()).includes(sha), false);
  assert.deepEqual((await repo.findBuild(database.db, bid(5)))?.artifacts, []);
});

test("staging of builds that are not live is cleared; a live one's stays", async () => {
  const staging = join(dir, "staging");
  for (const name of [bid(90), bid(91)]) mkdirSync(join(staging, name), { recursive: true });
  const report = await collectGarbage(options({ stagingRoot: staging, liveBuildIds: new Set([bid(91)]) }));
  assert.equal(report.stagingRemoved, 1);
  assert.deepEqual(readdirSync(staging), [bid(91)]);
});

test("the package cache is cut to its cap, least recently used first", async () => {
  const cache = mkdtempSync(join(tmpdir(), "brokkr-gc-cache-"));
  for (let i = 0; i < 4; i++) {
    const f = join(cache, `blob${i}`);
    writeFileSync(f, Buffer.alloc(1000));
    const t = new Date(now.getTime() - (10 - i) * hour);
    utimesSync(f, t, t);
  }
  const report = await collectGarbage(options({ packageCache: { dir: cache, capBytes: 2500 } }));
  assert.deepEqual(report.packageCache, { bytesBefore: 4000, bytesAfter: 2000, removed: 2 });
  assert.deepEqual(readdirSync(cache).sort(), ["blob2", "blob3"]);
});
