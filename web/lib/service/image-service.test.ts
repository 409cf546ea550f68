// The service over both databases, with a fake builder: validation, single flight, the queue's
// limit, logs replayed live and from the database, failures, shutdown.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import { type Catalog, loadCatalog } from "@brokkr/composer";
import { getSettings } from "@brokkr/composer";
import { createFakeBuilder, type FakeBuilder, resolveFailure } from "../builds/fake-builder.ts";
import { type Database, openDatabase } from "../db/client.ts";
import { startPostgres } from "../db/test-postgres.ts";
import { createImageService, type ImageService } from "./image-service.ts";
import type { BuildRecord, LogLine } from "./types.ts";

const minimal = parse(readFileSync(join(getSettings().root, "examples/minimal.yaml"), "utf8")) as Record<string, unknown>;
const named = (name: string) => ({ ...minimal, name });

function ended(svc: ImageService, id: string): Promise<{ lines: LogLine[]; record: BuildRecord }> {
  return new Promise((resolve) => {
    const lines: LogLine[] = [];
    svc.followLog(id, 0, (l) => lines.push(l), (record) => resolve({ lines, record }));
  });
}

function suite(name: string, open: () => Promise<{ database: Database; stop?: () => Promise<void> }>) {
  describe(name, () => {
    let database: Database;
    let stop: (() => Promise<void>) | undefined;
    let catalog: Catalog;
    const fresh = async (concurrency = 1): Promise<{ svc: ImageService; fake: FakeBuilder; dataDir: string }> => {
      const fake = createFakeBuilder();
      const dataDir = mkdtempSync(join(tmpdir(), "brokkr-svc-"));
      const svc = await createImageService({ db: database.db, dataDir, catalog, builder: fake.builder, concurrency });
      return { svc, fake, dataDir };
    };
    before(async () => {
      catalog = await loadCatalog();
      ({ database, stop } = await open());
    });
    after(async () => {
      await database?.close();
      await stop?.();
    });

    test("createSchematic reports every problem, and one spec written two ways has one ID", async () => {
      const { svc } = await fresh();
      await assert.rejects(
        svc.createSchematic({ ...minimal, arch: "sparc", drivers: ["no-such-driver"], bogus: 1 }),
        (err: { code: string; problems: { path: string }[] }) => {
          assert.equal(err.code, "spec.invalid");
          const paths = err.problems.map((p) => p.path);
          assert.ok(paths.includes("arch") && paths.includes("bogus"), paths.join(", "));
          return true;
        },
      );
      const a = await svc.createSchematic({ ...minimal, ports: ["openssh-server", "openssh-server"] });
      const b = await svc.createSchematic(minimal);
      assert.match(a.id, /^[0-9a-f]{64}$/);
      assert.equal(a.id, b.id);
      assert.deepEqual((await svc.getSchematic(a.id))?.spec, a.spec);
      assert.equal(await svc.getSchematic("not-an-id"), undefined);
      await svc.close();
    });

    test("20 concurrent starts of one schematic are one build (single flight)", async () => {
      const { svc, fake } = await fresh();
      const s = await svc.createSchematic(named("single-flight"));
      fake.hold();
      const builds = await Promise.all(Array.from({ length: 20 }, () => svc.startBuild(s.id)));
      assert.equal(new Set(builds.map((b) => b.id)).size, 1);
      const done = ended(svc, builds[0]!.id);
      fake.release();
      const { record } = await done;
      assert.equal(record.status, "succeeded");
      assert.equal(fake.jobs.length, 1);
      // Once finished, a new start is a new build.
      const again = await svc.startBuild(s.id);
      assert.notEqual(again.id, builds[0]!.id);
      await ended(svc, again.id);
      assert.equal((await svc.latestGoodBuild(s.id))?.id, again.id);
      assert.deepEqual(
        (await svc.listBuilds(s.id)).map((b) => b.id),
        [again.id, builds[0]!.id],
      );
      await svc.close();
    });

    test("the queue runs at most `concurrency` builds at once", async () => {
      const { svc, fake } = await fresh(2);
      fake.hold();
      const ids: string[] = [];
      for (const n of ["q-one", "q-two", "q-three", "q-four"]) {
        ids.push((await svc.startBuild((await svc.createSchematic(named(n))).id)).id);
      }
      while (fake.running < 2) await new Promise((r) => setTimeout(r, 5));
      const statuses = await Promise.all(ids.map(async (id) => (await svc.getBuild(id))?.status));
      assert.deepEqual(statuses, ["running", "running", "queued", "queued"]);
      fake.release();
      const results = await Promise.all(ids.map((id) => ended(svc, id)));
      assert.deepEqual(
        results.map((r) => r.record.status),
        ["succeeded", "succeeded", "succeeded", "succeeded"],
      );
      assert.equal(fake.maxRunning, 2);
      await svc.close();
    });

    test("the log replays from any line while running and after, the same from memory and database", async () => {
      const { svc, fake } = await fresh();
      const s = await svc.createSchematic(named("logs"));
      fake.hold();
      const b = await svc.startBuild(s.id);
      const live: LogLine[] = [];
      const done = new Promise<BuildRecord>((resolve) => svc.followLog(b.id, 1, (l) => live.push(l), resolve));
      while ((await svc.getBuild(b.id))?.status !== "running") await new Promise((r) => setTimeout(r, 5));
      fake.release();
      const record = await done;
      assert.equal(record.status, "succeeded");
      assert.deepEqual(
        record.stages.map((st) => [st.name, st.ms]),
        [
          ["fake", 1],
          ["image", 2],
        ],
      );
      const stored = await ended(svc, b.id);
      assert.match(stored.lines[0]!.text, /^building logs \(x86_64, uefi\) schematic/);
      assert.deepEqual(live, stored.lines.slice(1));
      assert.deepEqual(
        stored.lines.map((l) => l.n),
        stored.lines.map((_, i) => i),
      );
      assert.ok(stored.lines.some((l) => l.text === "fake build of logs"));
      assert.ok(stored.lines.some((l) => /^✓ image +0\.00 s$/.test(l.text)));
      assert.ok(stored.lines.some((l) => /^disk\.img +0\.1 MB +sha256:[0-9a-f]{64}$/.test(l.text)));
      assert.deepEqual(await svc.getBuild(b.id), record);
      await svc.close();
    });

    test("a failed build records its error and log, keeps no artifact and no staging dir", async () => {
      const { svc, fake, dataDir } = await fresh();
      const s = await svc.createSchematic(named("fails"));
      fake.failNext(resolveFailure());
      const b = await svc.startBuild(s.id);
      const { record, lines } = await ended(svc, b.id);
      assert.equal(record.status, "failed");
      assert.deepEqual(record.error, { code: "resolve.unsatisfiable", message: "no package provides foo", hint: "remove foo from packages" });
      assert.deepEqual(record.artifacts, []);
      assert.ok(lines.some((l) => l.text === "error[resolve.unsatisfiable]: no package provides foo"));
      assert.deepEqual(readdirSync(join(dataDir, "staging")), []);
      assert.equal(await svc.latestGoodBuild(s.id), undefined);
      await svc.close();
    });

    test("a builder that names a file it did not write fails the build", async () => {
      const fake = createFakeBuilder();
      const dataDir = mkdtempSync(join(tmpdir(), "brokkr-svc-"));
      const svc = await createImageService({
        db: database.db,
        dataDir,
        catalog,
        builder: async (job, onEvent, signal) => ({ files: [...(await fake.builder(job, onEvent, signal)).files, "ghost.img"] }),
      });
      const s = await svc.createSchematic(named("ghost"));
      const { record } = await ended(svc, (await svc.startBuild(s.id)).id);
      assert.equal(record.status, "failed");
      assert.equal(record.error?.code, "build.crashed");
      await svc.close();
    });

    test("an unknown or malformed schematic cannot be built", async () => {
      const { svc } = await fresh();
      await assert.rejects(svc.startBuild("f".repeat(64)), { code: "service.not-found" });
      await assert.rejects(svc.startBuild("../etc"), { code: "service.bad-request" });
      await svc.close();
    });

    test("close() cancels a running build and fails it as interrupted", async () => {
      const { svc, fake } = await fresh();
      const s = await svc.createSchematic(named("shutdown"));
      fake.hold();
      const b = await svc.startBuild(s.id);
      const done = ended(svc, b.id);
      while ((await svc.getBuild(b.id))?.status !== "running") await new Promise((r) => setTimeout(r, 5));
      await svc.close();
      const { record } = await done;
      assert.equal(record.status, "failed");
      assert.equal(record.error?.code, "build.interrupted");
      await assert.rejects(svc.startBuild(s.id), { code: "service.unavailable" });
    });
  });
}

suite("service on PGlite", async () => ({ database: await openDatabase({}) }));
suite("service on PostgreSQL", async () => {
  const pg = await startPostgres();
  return { database: await openDatabase({ url: pg.url }), stop: pg.stop };
});
