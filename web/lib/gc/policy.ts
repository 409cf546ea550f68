// What garbage collection keeps: a pure function of the builds, so the rule is tested apart from
// the database and the store. Every build a URL may serve is kept (servedBuilds: the same rule
// downloads and PXE use); superseded, failed, cancelled and lock builds lose their artifacts once
// older than the grace period, or sooner, oldest first, while the store is over its cap.

export interface GcBuild {
  id: string;
  schematicId: string;
  status: string;
  /** "" for the schematic's own resolution; a lock build is reachable by its id only. */
  lockKey: string;
  errata: number;
  finishedAt: Date | null;
  /** Bytes of its artifacts still stored (0 once removed). */
  bytes: number;
}

export interface GcPolicy {
  now: Date;
  currentErrata: number;
  /** Unserved builds younger than this keep their artifacts (while the store is under its cap). */
  graceMs: number;
  /** Bytes of artifacts the store may hold; Infinity for no cap. */
  storeCapBytes: number;
  /** Finished builds without artifacts older than this lose their rows (and logs). */
  rowRetentionMs: number;
}

export interface GcPlan {
  /** The build each schematic's URLs serve, by schematic. */
  served: Map<string, string>;
  /** Builds whose artifacts go (their rows and logs stay). */
  dropArtifacts: string[];
  /** Builds whose rows go (they have no artifacts left). */
  dropRows: string[];
  /** Bytes still over the cap when only served builds are left. */
  overCapBytes: number;
}

const finishedTime = (b: Pick<GcBuild, "finishedAt">) => b.finishedAt?.getTime() ?? 0;

/**
 * The build a schematic's URLs serve: its newest good build of its own resolution at the current
 * errata version; until one exists, its newest good build of an older one (no rebuild storm after
 * an upgrade: the old bytes stay served while the rebuild runs).
 */
export function servedBuild<B extends Pick<GcBuild, "status" | "lockKey" | "errata" | "finishedAt">>(builds: readonly B[], currentErrata: number): B | undefined {
  const good = builds.filter((b) => b.status === "succeeded" && b.lockKey === "").sort((a, b) => finishedTime(b) - finishedTime(a));
  return good.find((b) => b.errata === currentErrata) ?? good[0];
}

export function planGc(builds: readonly GcBuild[], policy: GcPolicy): GcPlan {
  const bySchematic = new Map<string, GcBuild[]>();
  for (const b of builds) bySchematic.set(b.schematicId, [...(bySchematic.get(b.schematicId) ?? []), b]);
  const served = new Map<string, string>();
  for (const [sid, list] of bySchematic) {
    const s = servedBuild(list, policy.currentErrata);
    if (s) served.set(sid, s.id);
  }
  const servedIds = new Set(served.values());
  const now = policy.now.getTime();
  const finished = (b: GcBuild) => b.status !== "queued" && b.status !== "running";
  const candidates = builds.filter((b) => finished(b) && !servedIds.has(b.id) && b.bytes > 0).sort((a, b) => finishedTime(a) - finishedTime(b));

  const drop = new Set(candidates.filter((b) => now - finishedTime(b) >= policy.graceMs).map((b) => b.id));
  let stored = builds.reduce((n, b) => n + (drop.has(b.id) ? 0 : b.bytes), 0);
  for (const b of candidates) {
    if (stored <= policy.storeCapBytes) break;
    if (drop.has(b.id)) continue;
    drop.add(b.id);
    stored -= b.bytes;
  }
  const dropRows = builds
    .filter((b) => finished(b) && !servedIds.has(b.id) && (b.bytes === 0 || drop.has(b.id)) && now - finishedTime(b) >= policy.rowRetentionMs)
    .map((b) => b.id);
  return { served, dropArtifacts: [...drop], dropRows, overCapBytes: Math.max(0, stored - policy.storeCapBytes) };
}
