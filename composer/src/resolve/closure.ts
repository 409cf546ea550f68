// Independent checks of a finished package set: every Depends/Pre-Depends met inside the set,
// and no two members in conflict. Used after solves, on lockfiles, and by the tests.

import type { BinaryPackage } from "../feeds/debian/types.ts";
import { asIndex, type PackageIndex, satisfiesRelation } from "./package-index.ts";
import { formatGroup, formatRelation } from "./relations.ts";

export interface SetConflict {
  pkg: BinaryPackage;
  other: BinaryPackage;
  message: string;
}

/**
 * Lists every problem with `pkgs` as one installed root: unmet dependencies, packages of the
 * wrong arch, duplicate names and conflicts. An empty list means the set is closed.
 */
export function checkClosure(
  pkgs: readonly BinaryPackage[],
  index: readonly BinaryPackage[] | PackageIndex,
  arch: string = rootArch(pkgs),
): string[] {
  const idx = asIndex(index);
  const problems: string[] = [];
  const byName = new Map<string, BinaryPackage>();
  for (const pkg of pkgs) {
    if (byName.has(pkg.package)) problems.push(`${pkg.package}: more than one version in the set`);
    byName.set(pkg.package, pkg);
    if (pkg.architecture !== arch && pkg.architecture !== "all") {
      problems.push(`${pkg.package}: architecture ${pkg.architecture} in a ${arch} root`);
    }
  }
  const providers = providersIn(idx, pkgs);
  for (const pkg of pkgs) {
    for (const { field, group } of idx.relationsOf(pkg).depends) {
      const met = group.some((rel) => {
        const own = byName.get(rel.name);
        if (own !== undefined && satisfiesRelation(idx, rel, own, arch)) return true;
        return (providers.get(rel.name) ?? []).some((p) => satisfiesRelation(idx, rel, p, arch));
      });
      if (!met) problems.push(`${pkg.package} ${pkg.version}: ${field} ${formatGroup(group)} not met`);
    }
  }
  for (const c of findConflicts(idx, pkgs, arch)) problems.push(c.message);
  return problems;
}

/** Pairs in `pkgs` where one Conflicts with or Breaks the other (each pair reported once). */
export function findConflicts(
  idx: PackageIndex,
  pkgs: readonly BinaryPackage[],
  arch: string,
): SetConflict[] {
  const byName = new Map(pkgs.map((p) => [p.package, p]));
  const providers = providersIn(idx, pkgs);
  const out: SetConflict[] = [];
  const seen = new Set<string>();
  for (const pkg of pkgs) {
    for (const rel of idx.relationsOf(pkg).conflicts) {
      const targets = new Set<BinaryPackage>(providers.get(rel.name) ?? []);
      const own = byName.get(rel.name);
      if (own !== undefined) targets.add(own);
      for (const other of targets) {
        // A package may conflict with a virtual name it provides itself: that is no conflict.
        if (other.package === pkg.package || !satisfiesRelation(idx, rel, other, arch)) continue;
        const pair =
          pkg.package < other.package ? `${pkg.package} ${other.package}` : `${other.package} ${pkg.package}`;
        if (seen.has(pair)) continue;
        seen.add(pair);
        out.push({
          pkg,
          other,
          message: `${pkg.package} ${pkg.version} conflicts with ${other.package} ${other.version} (${formatRelation(rel)})`,
        });
      }
    }
  }
  return out;
}

function providersIn(idx: PackageIndex, pkgs: readonly BinaryPackage[]): Map<string, BinaryPackage[]> {
  const out = new Map<string, BinaryPackage[]>();
  for (const pkg of pkgs) {
    for (const p of idx.providesOf(pkg)) {
      let list = out.get(p.name);
      if (list === undefined) out.set(p.name, (list = []));
      list.push(pkg);
    }
  }
  return out;
}

function rootArch(pkgs: readonly BinaryPackage[]): string {
  return pkgs.find((p) => p.architecture !== "all")?.architecture ?? "all";
}
