// Lockfile: the exact (package, version, arch, sha256) set of a build. A lock is authoritative:
// rebuilding from it takes exactly those packages from the index and never re-solves.

import { BrokkrError, type Problem } from "../errors.ts";
import type { BinaryPackage, LockEntry } from "../feeds/debian/types.ts";
import { asIndex, type PackageIndex } from "./package-index.ts";

/** Lock entries for `pkgs`, sorted by package, then arch, so equal sets give equal files. */
export function toLock(pkgs: readonly BinaryPackage[]): LockEntry[] {
  return pkgs
    .map((p) => ({ package: p.package, version: p.version, arch: p.architecture, sha256: p.sha256 }))
    .sort(
      (a, b) =>
        compareText(a.package, b.package) || compareText(a.arch, b.arch) || compareText(a.version, b.version),
    );
}

/** Picks exactly the locked packages from the index; any missing or changed entry is an error. */
export function fromLock(
  lock: readonly LockEntry[],
  index: readonly BinaryPackage[] | PackageIndex,
): BinaryPackage[] {
  const idx = asIndex(index);
  const problems: Problem[] = [];
  const out: BinaryPackage[] = [];
  const seen = new Set<string>();
  lock.forEach((entry, i) => {
    const path = `lock[${i}]`;
    const id = `${entry.package} ${entry.version} ${entry.arch}`;
    if (seen.has(`${entry.package}:${entry.arch}`)) {
      problems.push({ path, message: `${entry.package} (${entry.arch}) is locked more than once` });
      return;
    }
    seen.add(`${entry.package}:${entry.arch}`);
    const versions = idx.byName.get(entry.package) ?? [];
    // Exact strings: the lock was written from index data, so "1.0" and "0:1.0" are not the same entry.
    const pkg = versions.find((p) => p.version === entry.version && p.architecture === entry.arch);
    if (pkg === undefined) {
      const have = versions.map((p) => `${p.version} (${p.architecture})`).join(", ");
      problems.push({ path, message: `${id} is not in the index${have ? `; it has ${have}` : ""}` });
    } else if (pkg.sha256 !== entry.sha256) {
      problems.push({
        path,
        message: `${id}: sha256 is ${pkg.sha256} in the index, ${entry.sha256} in the lock`,
      });
    } else {
      out.push(pkg);
    }
  });
  if (problems.length > 0) {
    const names = problems.map((p) => p.message.split(" ")[0]).join(", ");
    throw new BrokkrError("resolve.lock-mismatch", `the lock does not match the package index: ${names}`, {
      problems,
      hint:
        "the mirror no longer carries the locked versions (or they changed); rebuild without --lock to " +
        "re-solve and write a new lock, or use a snapshot mirror that has them",
    });
  }
  return out.sort((a, b) => compareText(a.package, b.package) || compareText(a.architecture, b.architecture));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
