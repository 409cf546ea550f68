// One conformance suite for every BlobStore (as Hono runs one suite per router): each
// implementation's test file calls runStoreConformance with a way to make a fresh store and to
// change a stored blob behind the store's back (bit rot, or someone with write access).
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { after, describe, test } from "node:test";
import type { BlobStore } from "./types.ts";

export interface StoreUnderTest {
  store: BlobStore;
  /** Overwrites the stored blob's bytes without the store knowing. */
  tamper(sha256: string, bytes: Buffer): Promise<void>;
}

export interface ConformanceOptions {
  name: string;
  newStore(): Promise<StoreUnderTest>;
}

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

async function drain(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function listed(store: BlobStore): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const b of store.list()) {
    assert.ok(b.modified instanceof Date);
    out.set(b.sha256, b.size);
  }
  return out;
}

export function runStoreConformance(opts: ConformanceOptions): void {
  describe(`BlobStore conformance: ${opts.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "brokkr-store-conf-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    let n = 0;
    const file = (content: Buffer | string) => {
      const path = join(dir, `f${n++}`);
      writeFileSync(path, content);
      return path;
    };

    test("round trip: put, moveIn, has, size, read, open", async () => {
      const { store } = await opts.newStore();
      const data = randomBytes(100_000);
      assert.deepEqual(await store.put(data), { sha256: sha(data), size: data.length });
      assert.equal(await store.has(sha(data)), true);
      assert.equal(await store.size(sha(data)), data.length);
      assert.ok((await store.read(sha(data))).equals(data));
      assert.ok((await drain(await store.open(sha(data)))).equals(data));

      const src = file("moved in");
      assert.deepEqual(await store.moveIn(src), { sha256: sha("moved in"), size: 8 });
      assert.equal(existsSync(src), false, "moveIn takes the file away");
      assert.equal((await store.read(sha("moved in"))).toString(), "moved in");

      const streamed = await store.put(Readable.from([Buffer.from("str"), Buffer.from("eam")]));
      assert.deepEqual(streamed, { sha256: sha("stream"), size: 6 });
      const empty = await store.put(Buffer.alloc(0));
      assert.equal(await store.size(empty.sha256), 0);
      assert.equal((await store.read(empty.sha256)).length, 0);
    });

    test("Range reads: first byte, last byte, a middle span, the whole", async () => {
      const { store } = await opts.newStore();
      const data = randomBytes(3 * 65536 + 11);
      const { sha256 } = await store.put(data);
      for (const [start, end] of [[0, 0], [data.length - 1, data.length - 1], [65530, 131080], [0, data.length - 1]] as const) {
        const got = await drain(await store.open(sha256, { start, end }));
        assert.ok(got.equals(data.subarray(start, end + 1)), `bytes ${start}-${end}`);
      }
    });

    test("a missing blob: has false, size undefined, open/read fail with store.missing, verify says so", async () => {
      const { store } = await opts.newStore();
      const absent = sha("never stored");
      assert.equal(await store.has(absent), false);
      assert.equal(await store.size(absent), undefined);
      await assert.rejects(store.open(absent), { code: "store.missing" });
      await assert.rejects(store.read(absent), { code: "store.missing" });
      assert.equal(await store.verify(absent), "missing");
      await store.delete(absent); // deleting what is not there is fine
    });

    test("names that are not a sha256 or an attempt are refused before they reach a path or key", async () => {
      const { store } = await opts.newStore();
      for (const bad of ["../../etc/passwd", "A".repeat(64), "", `${"a".repeat(63)}/`]) {
        await assert.rejects(async () => store.open(bad), { code: "internal" }, bad);
      }
      for (const bad of ["../x", "a/b", "..", "", "x".repeat(200)]) assert.throws(() => store.stage(bad), { code: "internal" }, bad);
    });

    test("re-hash on adopt: a blob changed behind the store's back is detected and replaced, never trusted", async () => {
      const { store, tamper } = await opts.newStore();
      const good = Buffer.from("the real artifact");
      const { sha256 } = await store.put(good);
      assert.equal(await store.verify(sha256), "ok");
      await tamper(sha256, Buffer.from("an evil replacement"));
      assert.equal(await store.verify(sha256), "corrupt");
      // The same bytes arrive again (a rebuild): the store must not keep the changed copy.
      await store.moveIn(file(good));
      assert.equal(await store.verify(sha256), "ok");
      assert.ok((await store.read(sha256)).equals(good));
      await tamper(sha256, Buffer.from("evil again"));
      const staging = store.stage("rebuild-2");
      await staging.put(good);
      await staging.publish();
      assert.ok((await store.read(sha256)).equals(good));
    });

    test("concurrent puts and moveIns of the same content all succeed and leave one blob", async () => {
      const { store } = await opts.newStore();
      const data = randomBytes(300_000);
      const results = await Promise.all([
        ...Array.from({ length: 6 }, () => store.put(data)),
        ...Array.from({ length: 2 }, () => store.moveIn(file(data))),
      ]);
      for (const r of results) assert.deepEqual(r, { sha256: sha(data), size: data.length });
      assert.ok((await store.read(sha(data))).equals(data));
      assert.equal(await store.verify(sha(data)), "ok");
      assert.equal((await listed(store)).get(sha(data)), data.length);
    });

    test("staging: nothing is visible before publish; discard and the janitor leave nothing behind", async () => {
      const { store } = await opts.newStore();
      const a = Buffer.from("attempt one's disk image");
      const b = randomBytes(70_000);
      const one = store.stage("build-1-attempt-1");
      await one.moveIn(file(a));
      await one.put(b);
      for (const s of [sha(a), sha(b)]) {
        assert.equal(await store.has(s), false);
        await assert.rejects(store.open(s), { code: "store.missing" });
        assert.equal((await listed(store)).has(s), false);
      }
      const published = await one.publish();
      assert.deepEqual(new Set(published.map((p) => p.sha256)), new Set([sha(a), sha(b)]));
      assert.ok((await store.read(sha(a))).equals(a));
      assert.ok((await store.read(sha(b))).equals(b));

      const dropped = Buffer.from("a failed attempt's output");
      const two = store.stage("build-1-attempt-2");
      await two.put(dropped);
      await two.discard();
      assert.equal(await store.has(sha(dropped)), false);

      // An attempt whose worker died: staged, never published nor discarded.
      const orphan = Buffer.from("an orphan's output");
      await store.stage("build-1-attempt-3").put(orphan);
      assert.deepEqual(await store.sweep(new Date(Date.now() - 3600_000)), { removedStaged: 0, abortedUploads: 0 }, "young staging stays");
      const swept = await store.sweep(new Date(Date.now() + 60_000));
      assert.ok(swept.removedStaged >= 1, `the orphan's staging is removed (${JSON.stringify(swept)})`);
      assert.equal(await store.has(sha(orphan)), false);
      assert.equal(await store.has(sha(a)), true, "the janitor leaves published blobs alone");
    });

    test("delete and list", async () => {
      const { store } = await opts.newStore();
      const blobs = await Promise.all(["one", "two", "three"].map((s) => store.put(Buffer.from(s))));
      const all = await listed(store);
      for (const b of blobs) assert.equal(all.get(b.sha256), b.size);
      await store.delete(blobs[1]!.sha256);
      assert.equal(await store.has(blobs[1]!.sha256), false);
      const rest = await listed(store);
      assert.equal(rest.has(blobs[1]!.sha256), false);
      assert.equal(rest.has(blobs[0]!.sha256), true);
    });

    test("a 64 MiB artifact: staged in parts, published, read back by range and verified", async (t) => {
      const { store } = await opts.newStore();
      const path = join(dir, "big.img");
      const hash = createHash("sha256");
      const chunk = randomBytes(1 << 20);
      const size = 64 * (1 << 20) + 4097;
      await pipeline(
        Readable.from(
          (function* () {
            for (let i = 0; i < 64; i++) {
              chunk[0] = i; // every MiB differs, so a part in the wrong place is seen
              hash.update(chunk);
              yield Buffer.from(chunk);
            }
            const tail = chunk.subarray(0, 4097);
            hash.update(tail);
            yield Buffer.from(tail);
          })(),
        ),
        createWriteStream(path),
      );
      const expected = hash.digest("hex");
      const t0 = performance.now();
      const staging = store.stage("big-1");
      const blob = await staging.moveIn(path);
      await staging.publish();
      t.diagnostic(`${opts.name}: 64 MiB moveIn + publish in ${Math.round(performance.now() - t0)} ms`);
      assert.deepEqual(blob, { sha256: expected, size });
      assert.equal(await store.size(expected), size);
      const tail = await drain(await store.open(expected, { start: size - 4097 - 1, end: size - 1 }));
      assert.equal(tail[0], chunk[chunk.length - 1]);
      assert.ok(tail.subarray(1).equals(chunk.subarray(0, 4097)), "the last bytes");
      for (const m of [8, 16, 40]) {
        const around = await drain(await store.open(expected, { start: m * (1 << 20) - 1, end: m * (1 << 20) }));
        assert.deepEqual([...around], [chunk[chunk.length - 1], m], `the border before MiB ${m}`);
      }
      const t1 = performance.now();
      assert.equal(await store.verify(expected), "ok");
      t.diagnostic(`${opts.name}: 64 MiB read + hash in ${Math.round(performance.now() - t1)} ms`);
    });
  });
}
