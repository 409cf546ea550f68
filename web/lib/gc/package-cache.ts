// The package cache's size cap: least recently used files go first. Everything in the cache can
// be fetched or derived again (ADR 6: it is untrusted and checked on every read), so evicting
// any file is safe; files touched in the last minutes are skipped (a build may be using them).
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";

export interface CacheEviction {
  bytesBefore: number;
  bytesAfter: number;
  removed: number;
}

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(path)));
    else if (e.isFile()) out.push(path);
  }
  return out;
}

export async function evictPackageCache(dir: string, capBytes: number, opts: { dryRun: boolean; now?: Date; busyMs?: number }): Promise<CacheEviction> {
  const now = (opts.now ?? new Date()).getTime();
  const busyMs = opts.busyMs ?? 10 * 60_000;
  const stats = [];
  for (const path of await files(dir)) {
    const s = await stat(path).catch(() => undefined);
    // Last use: reads set atime (where the mount keeps it), writes mtime; take the later.
    if (s) stats.push({ path, size: s.size, used: Math.max(s.atimeMs, s.mtimeMs) });
  }
  const bytesBefore = stats.reduce((n, f) => n + f.size, 0);
  let bytes = bytesBefore;
  let removed = 0;
  for (const f of stats.sort((a, b) => a.used - b.used)) {
    if (bytes <= capBytes) break;
    if (now - f.used < busyMs) continue;
    if (!opts.dryRun) await rm(f.path, { force: true });
    bytes -= f.size;
    removed++;
  }
  return { bytesBefore, bytesAfter: bytes, removed };
}
