// Every read and write of the service's state, as plain functions over a drizzle database.
// Rows become the records of the service contract (ISO dates, nested stages and artifacts) here
// and nowhere else.
import { and, asc, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { ImageSpec } from "@brokkr/composer";
import type {
  ArtifactRecord,
  AssetRecord,
  BuildRecord,
  BuildStatus,
  LogLine,
  SchematicRecord,
  StageRecord,
} from "../service/types.ts";
import type { Db } from "./client.ts";
import { artifacts, assets, buildLogs, builds, buildStages, clientWrites, schematics } from "./schema.ts";

export type BuildError = NonNullable<BuildRecord["error"]>;

/** Stores a schematic unless it exists (same ID = same spec); returns the stored record. */
export async function saveSchematic(db: Db, id: string, spec: ImageSpec): Promise<SchematicRecord> {
  await db.insert(schematics).values({ id, spec }).onConflictDoNothing();
  const found = await findSchematic(db, id);
  if (!found) throw new Error(`schematic ${id} vanished after insert`);
  return found;
}

export async function findSchematic(db: Db, id: string): Promise<SchematicRecord | undefined> {
  const [row] = await db.select().from(schematics).where(eq(schematics.id, id));
  return row && { id: row.id, spec: row.spec as ImageSpec, createdAt: row.createdAt.toISOString() };
}

export interface NewBuild {
  id: string;
  schematicId: string;
  lockKey: string;
  lock: unknown;
  createdAt: Date;
  client?: string;
  priority?: number;
  errata?: number;
}

export async function insertBuild(db: Db, b: NewBuild): Promise<void> {
  await db.insert(builds).values({ ...b, lock: b.lock ?? null, status: "queued" });
}

/** Builds queued or running, over all clients and for one: what the queue limits count. */
export async function countUnfinished(db: Db, client: string): Promise<{ total: number; client: number }> {
  const [row] = await db
    .select({
      total: sql<number>`count(*)::int`,
      client: sql<number>`count(*) filter (where ${builds.client} = ${client})::int`,
    })
    .from(builds)
    .where(inArray(builds.status, ["queued", "running"]));
  return { total: row?.total ?? 0, client: row?.client ?? 0 };
}

/**
 * Records one write of `client` and answers how many it made in the last `windowMs`, this one
 * included. Rows older than the window are pruned as we go, so the table stays small.
 */
export async function recordWrite(db: Db, client: string, now: Date, windowMs: number): Promise<number> {
  const since = new Date(now.getTime() - windowMs);
  await db.delete(clientWrites).where(lt(clientWrites.at, since));
  await db.insert(clientWrites).values({ client, at: now });
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(clientWrites)
    .where(and(eq(clientWrites.client, client), gte(clientWrites.at, since)));
  return row?.n ?? 0;
}

export async function markRunning(db: Db, id: string, startedAt: Date): Promise<void> {
  await db.update(builds).set({ status: "running", startedAt }).where(eq(builds.id, id));
}

/** The final state of a build, with its artifacts, in one transaction: no half-finished build. */
export async function finishBuild(
  db: Db,
  id: string,
  end: { status: "succeeded" | "failed" | "cancelled"; error: BuildError | null; finishedAt: Date; artifacts: ArtifactRecord[] },
): Promise<void> {
  await db.transaction(async (tx) => {
    if (end.artifacts.length > 0) {
      await tx.insert(artifacts).values(end.artifacts.map((a) => ({ buildId: id, ...a })));
    }
    await tx
      .update(builds)
      .set({ status: end.status, error: end.error, finishedAt: end.finishedAt })
      .where(eq(builds.id, id));
  });
}

export async function insertStage(db: Db, buildId: string, idx: number, s: StageRecord): Promise<void> {
  await db.insert(buildStages).values({ buildId, idx, name: s.name, startedAt: new Date(s.startedAt), ms: s.ms });
}

export async function finishStage(db: Db, buildId: string, idx: number, ms: number): Promise<void> {
  await db
    .update(buildStages)
    .set({ ms })
    .where(and(eq(buildStages.buildId, buildId), eq(buildStages.idx, idx)));
}

export async function appendLog(db: Db, buildId: string, lines: LogLine[]): Promise<void> {
  if (lines.length === 0) return;
  await db.insert(buildLogs).values(lines.map((l) => ({ buildId, n: l.n, text: l.text })));
}

export async function readLog(db: Db, buildId: string, from: number): Promise<LogLine[]> {
  const rows = await db
    .select({ n: buildLogs.n, text: buildLogs.text })
    .from(buildLogs)
    .where(and(eq(buildLogs.buildId, buildId), gte(buildLogs.n, from)))
    .orderBy(asc(buildLogs.n));
  return rows;
}

export async function findBuild(db: Db, id: string): Promise<BuildRecord | undefined> {
  const rows = await db.select().from(builds).where(eq(builds.id, id));
  return (await withDetails(db, rows))[0];
}

/** Newest first. */
export async function listBuilds(db: Db, schematicId: string): Promise<BuildRecord[]> {
  const rows = await db
    .select()
    .from(builds)
    .where(eq(builds.schematicId, schematicId))
    .orderBy(desc(builds.createdAt), desc(builds.id));
  return withDetails(db, rows);
}

/**
 * The build a schematic's URLs serve (gc/policy.ts servedBuild: the one rule, used by downloads,
 * PXE and garbage collection): its newest good build of its own resolution at `currentErrata`,
 * else its newest good one of an older errata while a rebuild runs. A build from a client's lock
 * (lockKey ≠ "") is reachable by its build id only, so nobody can change what /images/<id>/ and
 * /pxe/<id>/ serve by sending a lock.
 */
export async function latestGoodBuild(db: Db, schematicId: string, currentErrata: number): Promise<BuildRecord | undefined> {
  const good = and(eq(builds.schematicId, schematicId), eq(builds.status, "succeeded"), eq(builds.lockKey, ""));
  const [current] = await db
    .select()
    .from(builds)
    .where(and(good, eq(builds.errata, currentErrata)))
    .orderBy(desc(builds.finishedAt), desc(builds.id))
    .limit(1);
  const rows = current ? [current] : await db.select().from(builds).where(good).orderBy(desc(builds.finishedAt), desc(builds.id)).limit(1);
  return (await withDetails(db, rows))[0];
}

/** Marks every queued or running build failed (their process is gone); returns their ids. */
export async function failUnfinished(db: Db, error: BuildError, finishedAt: Date): Promise<string[]> {
  const rows = await db
    .update(builds)
    .set({ status: "failed", error, finishedAt })
    .where(inArray(builds.status, ["queued", "running"]))
    .returning({ id: builds.id });
  return rows.map((r) => r.id);
}

type BuildRow = typeof builds.$inferSelect;

async function withDetails(db: Db, rows: BuildRow[]): Promise<BuildRecord[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [stageRows, artifactRows] = await Promise.all([
    db.select().from(buildStages).where(inArray(buildStages.buildId, ids)).orderBy(asc(buildStages.idx)),
    db.select().from(artifacts).where(inArray(artifacts.buildId, ids)).orderBy(asc(artifacts.file)),
  ]);
  return rows.map((r) => ({
    id: r.id,
    schematicId: r.schematicId,
    status: r.status as BuildStatus,
    stages: stageRows
      .filter((s) => s.buildId === r.id)
      .map((s) => ({ name: s.name, startedAt: s.startedAt.toISOString(), ms: s.ms })),
    artifacts: artifactRows
      .filter((a) => a.buildId === r.id)
      .map((a) => ({ file: a.file, sha256: a.sha256, size: a.size })),
    error: (r.error as BuildError | null) ?? null,
    errata: r.errata,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  }));
}

/** Stores an uploaded asset unless one with its hash exists (same hash = same bytes). */
export async function saveAsset(db: Db, a: Omit<AssetRecord, "createdAt">): Promise<AssetRecord> {
  await db
    .insert(assets)
    .values({ sha256: a.id, name: a.name, contentType: a.contentType, size: a.size, width: a.width, height: a.height, thumbnail: a.thumbnail })
    .onConflictDoNothing();
  const found = await findAsset(db, a.id);
  if (!found) throw new Error(`asset ${a.id} vanished after insert`);
  return found;
}

export async function findAsset(db: Db, sha256: string): Promise<AssetRecord | undefined> {
  const [row] = await db.select().from(assets).where(eq(assets.sha256, sha256));
  return (
    row && {
      id: row.sha256,
      name: row.name,
      contentType: row.contentType,
      size: row.size,
      width: row.width ?? 0,
      height: row.height ?? 0,
      thumbnail: row.thumbnail,
      createdAt: row.createdAt.toISOString(),
    }
  );
}
