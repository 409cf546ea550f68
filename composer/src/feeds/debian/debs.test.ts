import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BrokkrError } from "../../errors.ts";
import { BlobCache } from "./cache.ts";
import { fetchDebs } from "./debs.ts";
import { type FakeArchive, type FakeDeb, startFakeArchive } from "./fake-archive.ts";

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

async function setup(): Promise<{
  archive: FakeArchive;
  cache: BlobCache;
  opts: { mirror: string; http: { retryDelayMs: number } };
}> {
  const dir = mkdtempSync(join(tmpdir(), "brokkr-debs-"));
  const archive = await startFakeArchive(dir);
  cleanups.push(
    () => archive.close(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  return {
    archive,
    cache: new BlobCache(join(dir, "cache")),
    opts: { mirror: archive.mirror, http: { retryDelayMs: 1 } },
  };
}

function blobs(cache: BlobCache): string[] {
  const root = join(cache.root, "blobs", "sha256");
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((d) => readdirSync(join(root, d)));
}

const isCode = (code: string) => (e: unknown) => e instanceof BrokkrError && e.code === code;

const refs = (debs: FakeDeb[]) =>
  debs.map((d) => ({ filename: d.filename, size: d.data.length, sha256: d.sha256 }));

test("fetchDebs: downloads, verifies, returns blob paths in order; cache hits skip the network", async () => {
  const { archive, cache, opts } = await setup();
  const wanted = [...refs(archive.debs), refs(archive.debs)[0]!]; // a duplicate
  const paths = await fetchDebs(wanted, { mirror: opts.mirror, cache, http: opts.http });
  assert.deepEqual(
    paths,
    wanted.map((w) => cache.blobPath(w.sha256)),
  );
  assert.equal(archive.count(archive.debs[0]!.filename), 1, "the duplicate is fetched once");
  const progress: boolean[] = [];
  await fetchDebs(wanted, { mirror: opts.mirror, cache, onProgress: (p) => progress.push(p.fromCache) });
  assert.deepEqual(progress, [true, true]);
  assert.equal(archive.requests.filter((r) => r.endsWith(".deb")).length, 2);
});

test("fetchDebs: a truncated .deb → checksum error and nothing cached", async () => {
  const { archive, cache, opts } = await setup();
  const deb = archive.debs[0]!;
  archive.files.set(deb.filename, deb.data.subarray(0, 1000));
  await assert.rejects(
    fetchDebs(refs([deb]), { mirror: opts.mirror, cache, http: opts.http }),
    (e: unknown) => {
      return isCode("feed.checksum-mismatch")(e) && (e as Error).message.includes(deb.filename);
    },
  );
  assert.deepEqual(blobs(cache), []);
});

test("fetchDebs: 503 twice then 200 succeeds with retries", async () => {
  const { archive, cache, opts } = await setup();
  const deb = archive.debs[1]!;
  archive.faults.set(deb.filename, [503, 503]);
  const [path] = await fetchDebs(refs([deb]), { mirror: opts.mirror, cache, http: opts.http });
  assert.equal(path, cache.blobPath(deb.sha256));
  assert.equal(archive.count(deb.filename), 3);
});

test("fetchDebs: a corrupted cached .deb is fetched again", async () => {
  const { archive, cache, opts } = await setup();
  const deb = archive.debs[0]!;
  await fetchDebs(refs([deb]), { mirror: opts.mirror, cache });
  writeFileSync(
    cache.blobPath(deb.sha256),
    Buffer.concat([deb.data.subarray(0, 10), Buffer.from("X"), deb.data.subarray(11)]),
  );
  await fetchDebs(refs([deb]), { mirror: opts.mirror, cache });
  assert.equal(archive.count(deb.filename), 2);
  assert.equal(await cache.verify(deb.sha256), true);
});

test("fetchDebs offline: a missing .deb → feed.package-missing", async () => {
  const { archive, cache, opts } = await setup();
  await assert.rejects(
    fetchDebs(refs(archive.debs), { mirror: opts.mirror, cache, offline: true }),
    isCode("feed.package-missing"),
  );
  assert.equal(archive.requests.length, 0);
});
