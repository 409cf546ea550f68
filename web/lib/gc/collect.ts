// One garbage collection: `brokkr gc [--dry-run] [--verify]` and the server's periodic run.
// The policy (policy.ts) says which builds lose their artifacts or rows; here that is applied,
// then blobs no row names are deleted, staging left by dead builds is cleared, the store's
// janitor runs, and the package cache is cut to its cap.
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Db } from "../db/client.ts";
import * as gcRepo from "../db/gc-repo.ts";
import { evictPackageCache } from "./package-cache.ts";
import { type GcPolicy, planGc } from "./policy.ts";

/** What collection needs of a blob store (web/lib/store's BlobStore has it all). */
export interface GcStore {
  list(): AsyncIterable<{ sha256: string; size: number; modified: Date }>;
  delete(sha256: string): Promise<void>;
  verify(sha256: string): Promise<"ok" | "missing" | "corrupt">;
  sweep(olderThan: Date): Promise<{ removedStaged: number; abortedUploads: number }>;
}

export interface GcOptions extends GcPolicy {
  db: Db;
  store: GcStore;
  /** The service's staging directory; entries of live builds are kept. */
  stagingRoot?: string;
  liveBuildIds?: ReadonlySet<string>;
  packageCache?: { dir: string; capBytes: number };
  dryRun: boolean;
  /** Re-hash every blob; a corrupt one is deleted with the artifact rows naming it. */
  verify: boolean;
  /** Blobs younger than this are never deleted (default an hour: a build may be publishing them). */
  youngBlobMs?: number;
}

export interface GcReport {
  dryRun: boolean;
  builds: number;
  served: number;
  artifactsDropped: number;
  rowsDropped: number;
  blobsDeleted: number;
  bytesFreed: number;
  storeBytes: number;
  overCapBytes: number;
  corrupt: string[];
  stagingRemoved: number;
  swept: { removedStaged: number; abortedUploads: number };
  packageCache?: { bytesBefore: number; bytesAfter: number; removed: number };
}

/** Blobs younger than this are left alone: their build may be publishing them right now. */
const defaultYoungBlobMs = 60 * 60_000;

export async function collectGarbage(opts: GcOptions): Promise<GcReport> {
  const youngBlobMs = opts.youngBlobMs ?? defaultYoungBlobMs;
  const builds = await gcRepo.buildsForGc(opts.db);
  const plan = planGc(builds, opts);
  if (!opts.dryRun) {
    await gcRepo.dropArtifacts(opts.db, plan.dropArtifacts);
    await gcRepo.dropBuildRows(opts.db, plan.dropRows);
    await gcRepo.pruneClientWrites(opts.db, new Date(opts.now.getTime() - 60 * 60_000));
  }
  const dropped = new Set(plan.dropArtifacts);
  const referenced = await gcRepo.referencedBlobs(opts.db);
  // In a dry run the rows are still there: count their blobs as if they were gone.
  const stillNamed = opts.dryRun ? await namedOnlyBy(opts.db, dropped, referenced) : referenced;

  const corrupt: string[] = [];
  let blobsDeleted = 0;
  let bytesFreed = 0;
  let storeBytes = 0;
  for await (const blob of opts.store.list()) {
    if (opts.verify && (await opts.store.verify(blob.sha256)) === "corrupt") {
      corrupt.push(blob.sha256);
      if (!opts.dryRun) {
        await gcRepo.dropArtifactsOfBlob(opts.db, blob.sha256);
        await opts.store.delete(blob.sha256);
      }
      continue;
    }
    const orphan = !stillNamed.has(blob.sha256) && opts.now.getTime() - blob.modified.getTime() >= youngBlobMs;
    if (orphan) {
      if (!opts.dryRun) await opts.store.delete(blob.sha256);
      blobsDeleted++;
      bytesFreed += blob.size;
    } else {
      storeBytes += blob.size;
    }
  }
  const swept = opts.dryRun ? { removedStaged: 0, abortedUploads: 0 } : await opts.store.sweep(new Date(opts.now.getTime() - youngBlobMs));
  const stagingRemoved = opts.stagingRoot ? await clearStaging(opts.stagingRoot, opts.liveBuildIds ?? new Set(), opts.dryRun) : 0;
  const packageCache = opts.packageCache
    ? await evictPackageCache(opts.packageCache.dir, opts.packageCache.capBytes, { dryRun: opts.dryRun, now: opts.now })
    : undefined;
  return {
    dryRun: opts.dryRun,
    builds: builds.length,
    served: plan.served.size,
    artifactsDropped: plan.dropArtifacts.length,
    rowsDropped: plan.dropRows.length,
    blobsDeleted,
    bytesFreed,
    storeBytes,
    overCapBytes: plan.overCapBytes,
    corrupt,
    stagingRemoved,
    swept,
    ...(packageCache ? { packageCache } : {}),
  };
}

/** The blobs that would still be named once the dropped builds' artifact rows are gone. */
async function namedOnlyBy(db: Db, dropped: ReadonlySet<string>, referenced: Set<string>): Promise<Set<string>> {
  if (dropped.size === 0) return referenced;
  const byBuild = await gcRepo.artifactBlobsByBuild(db);
  const kept = new Set<string>();
  for (const [buildId, blobs] of byBuild) if (!dropped.has(buildId)) for (const b of blobs) kept.add(b);
  const assets = await gcRepo.assetBlobs(db);
  return new Set([...kept, ...assets]);
}

async function clearStaging(root: string, live: ReadonlySet<string>, dryRun: boolean): Promise<number> {
  let n = 0;
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (live.has(name)) continue;
    if (!dryRun) await rm(join(root, name), { recursive: true, force: true });
    n++;
  }
  return n;
}

/** One line for a terminal or a server log. */
export function formatGcReport(r: GcReport): string {
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  return [
    `gc${r.dryRun ? " (dry run: nothing removed)" : ""}: ${r.builds} builds, ${r.served} served`,
    `${r.artifactsDropped} builds' artifacts and ${r.rowsDropped} rows ${r.dryRun ? "would go" : "removed"}`,
    `${r.blobsDeleted} blobs (${mb(r.bytesFreed)}) ${r.dryRun ? "to free" : "freed"}, ${mb(r.storeBytes)} kept`,
    ...(r.overCapBytes > 0 ? [`still ${mb(r.overCapBytes)} over the store cap (all of it served)`] : []),
    ...(r.corrupt.length > 0 ? [`${r.corrupt.length} corrupt blob(s): ${r.corrupt.join(", ")}`] : []),
    ...(r.stagingRemoved > 0 ? [`${r.stagingRemoved} staging dir(s) of dead builds`] : []),
    ...(r.packageCache ? [`package cache ${mb(r.packageCache.bytesBefore)} → ${mb(r.packageCache.bytesAfter)}`] : []),
  ].join("; ");
}
