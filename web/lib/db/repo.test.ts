// One suite, two databases: the embedded PGlite (in memory) and a real PostgreSQL started for
// the test. The service must behave the same on both.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ImageSpec } from "@brokkr/composer";
import { type Database, openDatabase } from "./client.ts";
import * as repo from "./repo.ts";
import { startPostgres, type TestPostgres } from "./test-postgres.ts";

const sid = "a".repeat(64);
const bid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

function conformance(name: string, open: () => Promise<{ database: Database; stop?: () => Promise<void> }>) {
  describe(name, () => {
    let database: Database;
    let stop: (() => Promise<void>) | undefined;
    before(async () => {
      ({ database, stop } = await open());
    });
    after(async () => {
      await database?.close();
      await stop?.();
    });

    test("a schematic is stored once and keeps its spec's key order", async () => {
      const ordered = { name: "t", arch: "x86_64", boot: { protocol: "uefi" } } as unknown as ImageSpec;
      const a = await repo.saveSchematic(database.db, sid, ordered);
      const b = await repo.saveSchematic(database.db, sid, ordered);
      assert.equal(a.createdAt, b.createdAt);
      assert.deepEqual(Object.keys(a.spec), ["name", "arch", "boot"]);
      assert.equal(await repo.findSchematic(database.db, "b".repeat(64)), undefined);
    });

    test("an uploaded asset is stored once with its size, pixels and thumbnail", async () => {
      const asset = { id: "e".repeat(64), name: "logo.png", contentType: "image/bmp", size: 1_440_054, width: 800, height: 600, thumbnail: "f".repeat(64) };
      const a = await repo.saveAsset(database.db, asset);
      const b = await repo.saveAsset(database.db, { ...asset, name: "again.png" });
      assert.deepEqual({ ...a, createdAt: "" }, { ...asset, createdAt: "" });
      assert.equal(b.name, "logo.png", "the first upload's row stays");
      assert.equal(await repo.findAsset(database.db, "d".repeat(64)), undefined);
    });

    test("a build goes queued → running → succeeded with stages, log and artifacts", async () => {
      await repo.insertBuild(database.db, { id: bid(1), schematicId: sid, lockKey: "", lock: null, createdAt: new Date(1000) });
      assert.equal((await repo.findBuild(database.db, bid(1)))?.status, "queued");
      await repo.markRunning(database.db, bid(1), new Date(2000));
      await repo.insertStage(database.db, bid(1), 0, { name: "feed", startedAt: new Date(2100).toISOString(), ms: null });
      await repo.finishStage(database.db, bid(1), 0, 42);
      await repo.appendLog(database.db, bid(1), [
        { n: 0, text: "zero" },
        { n: 1, text: "one" },
      ]);
      await repo.appendLog(database.db, bid(1), [{ n: 2, text: "two" }]);
      await repo.finishBuild(database.db, bid(1), {
        status: "succeeded",
        error: null,
        finishedAt: new Date(3000),
        artifacts: [{ file: "vmlinuz", sha256: "c".repeat(64), size: 5_000_000_000 }],
      });
      const b = await repo.findBuild(database.db, bid(1));
      assert.equal(b?.status, "succeeded");
      assert.deepEqual(b?.stages, [{ name: "feed", startedAt: new Date(2100).toISOString(), ms: 42 }]);
      assert.deepEqual(b?.artifacts, [{ file: "vmlinuz", sha256: "c".repeat(64), size: 5_000_000_000 }]);
      assert.equal(b?.startedAt, new Date(2000).toISOString());
      assert.deepEqual(
        (await repo.readLog(database.db, bid(1), 1)).map((l) => l.text),
        ["one", "two"],
      );
      assert.equal((await repo.latestGoodBuild(database.db, sid, 0))?.id, bid(1));
    });

    test("only one unfinished build per schematic and lock", async () => {
      await repo.insertBuild(database.db, { id: bid(2), schematicId: sid, lockKey: "", lock: null, createdAt: new Date(4000) });
      await assert.rejects(
        repo.insertBuild(database.db, { id: bid(3), schematicId: sid, lockKey: "", lock: null, createdAt: new Date(4001) }),
      );
      // Another lock is another build.
      await repo.insertBuild(database.db, { id: bid(4), schematicId: sid, lockKey: "d".repeat(64), lock: [], createdAt: new Date(4002) });
    });

    test("failUnfinished marks queued and running builds failed, and only those", async () => {
      await repo.markRunning(database.db, bid(2), new Date(5000));
      const ids = await repo.failUnfinished(database.db, { code: "build.interrupted", message: "x" }, new Date(6000));
      assert.deepEqual(ids.sort(), [bid(2), bid(4)]);
      const list = await repo.listBuilds(database.db, sid);
      assert.deepEqual(
        list.map((b) => [b.id, b.status]),
        [
          [bid(4), "failed"],
          [bid(2), "failed"],
          [bid(1), "succeeded"],
        ],
      );
      assert.deepEqual(list[0]?.error, { code: "build.interrupted", message: "x" });
      assert.equal((await repo.latestGoodBuild(database.db, sid, 0))?.id, bid(1));
    });

    test("URLs serve the newest good own build at the current errata, else the newest good one; never a lock build", async () => {
      const sid2 = "9".repeat(64);
      await repo.saveSchematic(database.db, sid2, { name: "errata" } as never);
      const good = async (n: number, errata: number, finished: number, lockKey = "") => {
        await repo.insertBuild(database.db, { id: bid(40 + n), schematicId: sid2, lockKey, lock: null, createdAt: new Date(finished - 1), errata });
        await repo.finishBuild(database.db, bid(40 + n), { status: "succeeded", error: null, finishedAt: new Date(finished), artifacts: [] });
      };
      await good(1, 1, 10_000);
      await good(2, 2, 9_000);
      await good(3, 3, 20_000, "f".repeat(64)); // a lock build, newest of all
      assert.equal((await repo.latestGoodBuild(database.db, sid2, 2))?.id, bid(42), "the current errata's build, though older");
      assert.equal((await repo.latestGoodBuild(database.db, sid2, 3))?.id, bid(41), "no build at errata 3 yet: the newest good one");
      assert.equal((await repo.latestGoodBuild(database.db, sid2, 3))?.errata, 1);
    });

    test("a build of an unknown schematic is refused by the foreign key", async () => {
      await assert.rejects(
        repo.insertBuild(database.db, { id: bid(5), schematicId: "e".repeat(64), lockKey: "", lock: null, createdAt: new Date() }),
      );
    });
  });
}

conformance("PGlite (embedded, in memory)", async () => ({ database: await openDatabase({}) }));

let pg: TestPostgres | undefined;
conformance("PostgreSQL (Debian's server, started for the test)", async () => {
  pg = await startPostgres();
  const database = await openDatabase({ url: pg.url });
  // Opening twice applies no migration twice.
  await (await openDatabase({ url: pg.url })).close();
  return { database, stop: () => pg!.stop() };
});
