// Lookup tables over a Packages index, built once and shared by solves, lock checks and the
// closure checker. Relation fields are parsed lazily: a solve touches a few hundred of ~68k.

import type { BinaryPackage } from "../feeds/debian/types.ts";
import { type Provided, parseProvides, parseRelations, type Relation } from "./relations.ts";
import { compareVersions, satisfies } from "./version.ts";

export interface ParsedRelations {
  /** Pre-Depends first, then Depends; each group an OR-list. */
  depends: { field: "Pre-Depends" | "Depends"; group: Relation[] }[];
  /** Conflicts and Breaks together: for a fresh root both forbid coexistence. */
  conflicts: Relation[];
}

export interface ProvidedBy {
  pkg: BinaryPackage;
  version?: string;
}

export interface PackageIndex {
  readonly packages: readonly BinaryPackage[];
  /** Every version of a name (all architectures), highest version first. */
  readonly byName: ReadonlyMap<string, readonly BinaryPackage[]>;
  /** Who provides a virtual name, ordered by package name, then highest version first. */
  readonly providers: ReadonlyMap<string, readonly ProvidedBy[]>;
  /** Packages with Priority: required or Essential: yes, in name order. */
  readonly baseSet: readonly BinaryPackage[];
  relationsOf(pkg: BinaryPackage): ParsedRelations;
  providesOf(pkg: BinaryPackage): readonly Provided[];
}

export function buildIndex(packages: readonly BinaryPackage[]): PackageIndex {
  const byName = new Map<string, BinaryPackage[]>();
  const providers = new Map<string, ProvidedBy[]>();
  const provides = new Map<BinaryPackage, Provided[]>();
  const baseSet: BinaryPackage[] = [];
  for (const pkg of packages) {
    let list = byName.get(pkg.package);
    if (list === undefined) byName.set(pkg.package, (list = []));
    list.push(pkg);
    if (pkg.priority === "required" || pkg.essential) baseSet.push(pkg);
    if (pkg.provides === "") continue;
    const provided = parseProvides(pkg.provides);
    provides.set(pkg, provided);
    for (const p of provided) {
      let by = providers.get(p.name);
      if (by === undefined) providers.set(p.name, (by = []));
      by.push(p.version === undefined ? { pkg } : { pkg, version: p.version });
    }
  }
  for (const list of byName.values())
    if (list.length > 1) list.sort((a, b) => compareVersions(b.version, a.version));
  for (const list of providers.values()) {
    if (list.length > 1) {
      list.sort((a, b) => byNameThenNewest(a.pkg, b.pkg));
    }
  }
  baseSet.sort(byNameThenNewest);

  const parsed = new Map<BinaryPackage, ParsedRelations>();
  return {
    packages,
    byName,
    providers,
    baseSet,
    relationsOf(pkg) {
      let rel = parsed.get(pkg);
      if (rel === undefined) {
        rel = {
          depends: [
            ...parseRelations(pkg.preDepends).map((group) => ({ field: "Pre-Depends" as const, group })),
            ...parseRelations(pkg.depends).map((group) => ({ field: "Depends" as const, group })),
          ],
          conflicts: [...parseRelations(pkg.conflicts).flat(), ...parseRelations(pkg.breaks).flat()],
        };
        parsed.set(pkg, rel);
      }
      return rel;
    },
    providesOf(pkg) {
      // Packages from outside the index (e.g. a caller's own list) are parsed on first use.
      let list = provides.get(pkg);
      if (list === undefined)
        provides.set(pkg, (list = pkg.provides === "" ? [] : parseProvides(pkg.provides)));
      return list;
    },
  };
}

/** Accepts a ready index or builds one, so callers may pass either. */
export function asIndex(index: readonly BinaryPackage[] | PackageIndex): PackageIndex {
  return "byName" in index ? index : buildIndex(index);
}

function byNameThenNewest(a: BinaryPackage, b: BinaryPackage): number {
  if (a.package !== b.package) return a.package < b.package ? -1 : 1;
  return compareVersions(b.version, a.version);
}

/** Can a package of `pkg.architecture` be installed in a root of `arch`? */
export function archFits(pkg: BinaryPackage, arch: string): boolean {
  return pkg.architecture === arch || pkg.architecture === "all";
}

/**
 * Does the arch qualifier of `rel` accept `pkg` in a single-arch root of `arch`? `:any` needs a
 * package that declares itself usable across arches; `:native` and a plain name take the root's
 * own arch (arch `all` counts as native, as dpkg treats it).
 */
export function qualifierAccepts(rel: Relation, pkg: BinaryPackage, arch: string): boolean {
  if (rel.arch === undefined || rel.arch === "native") return true;
  if (rel.arch === "any") return pkg.multiArch === "allowed" || pkg.multiArch === "foreign";
  return rel.arch === arch;
}

/** Does `pkg` satisfy `rel` directly, by its own name and version? */
export function satisfiesDirectly(rel: Relation, pkg: BinaryPackage, arch: string): boolean {
  if (pkg.package !== rel.name || !qualifierAccepts(rel, pkg, arch)) return false;
  return rel.op === undefined || satisfies(pkg.version, rel.op, rel.version!);
}

/** Does a provided name satisfy `rel`? Unversioned provides never satisfy a versioned relation. */
export function providedSatisfies(rel: Relation, provided: ProvidedBy | Provided): boolean {
  if (rel.op === undefined) return true;
  return provided.version !== undefined && satisfies(provided.version, rel.op, rel.version!);
}

/** Does `pkg` satisfy `rel` by name or through one of its Provides? */
export function satisfiesRelation(
  index: PackageIndex,
  rel: Relation,
  pkg: BinaryPackage,
  arch: string,
): boolean {
  if (satisfiesDirectly(rel, pkg, arch)) return true;
  if (!qualifierAccepts(rel, pkg, arch)) return false;
  return index.providesOf(pkg).some((p) => p.name === rel.name && providedSatisfies(rel, p));
}
