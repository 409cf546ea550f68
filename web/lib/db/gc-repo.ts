// The reads and deletes of garbage collection, apart from the service's own (repo.ts).
import { and, inArray, lt, sql } from "drizzle-orm";
import type { GcBuild } from "../gc/policy.ts";
import type { Db } from "./client.ts";
import { artifacts, assets, builds, clientWrites } from "./schema.ts";

/** Every build with the bytes of the artifacts it still has. */
export async function buildsForGc(db: Db): Promise<GcBuild[]> {
  const rows = await db
    .select({
      id: builds.id,
      schematicId: builds.schematicId,
      status: builds.status,
      lockKey: builds.lockKey,
      errata: builds.errata,
      finishedAt: builds.finishedAt,
      bytes: sql<number>`coalesce((select sum(${artifacts.size}) from ${artifacts} where ${artifacts.buildId} = ${builds.id}), 0)::float8`,
    })
    .from(builds);
  return rows.map((r) => ({ ...r, bytes: Number(r.bytes) }));
}

/** sha256 of every blob a row still names: artifacts, uploaded assets and their thumbnails. */
export async function referencedBlobs(db: Db): Promise<Set<string>> {
  const [a, s] = await Promise.all([
    db.selectDistinct({ sha256: artifacts.sha256 }).from(artifacts),
    db.select({ sha256: assets.sha256, thumbnail: assets.thumbnail }).from(assets),
  ]);
  return new Set([...a.map((r) => r.sha256), ...s.flatMap((r) => [r.sha256, ...(r.thumbnail ? [r.thumbnail] : [])])]);
}

export async function dropArtifacts(db: Db, buildIds: string[]): Promise<void> {
  for (let i = 0; i < buildIds.length; i += 500) await db.delete(artifacts).where(inArray(artifacts.buildId, buildIds.slice(i, i + 500)));
}

/** Removes build rows (their stages and logs go with them: ON DELETE CASCADE). */
export async function dropBuildRows(db: Db, buildIds: string[]): Promise<void> {
  for (let i = 0; i < buildIds.length; i += 500) {
    const ids = buildIds.slice(i, i + 500);
    await db.delete(artifacts).where(inArray(artifacts.buildId, ids));
    await db.delete(builds).where(and(inArray(builds.id, ids), inArray(builds.status, ["succeeded", "failed", "cancelled"])));
  }
}

/** Artifact rows that name a blob (a corrupt one, found by --verify). */
export async function dropArtifactsOfBlob(db: Db, sha256: string): Promise<number> {
  const rows = await db.delete(artifacts).where(sql`${artifacts.sha256} = ${sha256}`).returning({ id: artifacts.buildId });
  return rows.length;
}

export async function pruneClientWrites(db: Db, before: Date): Promise<void> {
  await db.delete(clientWrites).where(lt(clientWrites.at, before));
}

export async function artifactBlobsByBuild(db: Db): Promise<Map<string, string[]>> {
  const rows = await db.select({ buildId: artifacts.buildId, sha256: artifacts.sha256 }).from(artifacts);
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.buildId, [...(out.get(r.buildId) ?? []), r.sha256]);
  return out;
}

export async function assetBlobs(db: Db): Promise<string[]> {
  const rows = await db.select({ sha256: assets.sha256, thumbnail: assets.thumbnail }).from(assets);
  return rows.flatMap((r) => [r.sha256, ...(r.thumbnail ? [r.thumbnail] : [])]);
}
