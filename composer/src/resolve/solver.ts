// Dependency solver for a fresh single-arch root, in the manner of apt/debootstrap: greedy,
// deterministic, with one kind of backtracking. When a package already chosen at one version
// blocks a relation that another version would meet, that version is ruled out and the solve
// restarts; rule-outs only grow, so this ends.

import { BrokkrError } from "../errors.ts";
import type { BinaryPackage } from "../feeds/debian/types.ts";
import {
  archFits,
  asIndex,
  type PackageIndex,
  type ProvidedBy,
  providedSatisfies,
  qualifierAccepts,
  satisfiesDirectly,
  satisfiesRelation,
} from "./package-index.ts";
import { formatGroup, formatRelation, type Relation } from "./relations.ts";
import { findConflicts } from "./closure.ts";
import { explainMiss, unknownPackage } from "./explain.ts";
import { compareVersions } from "./version.ts";

export interface ResolveRequest {
  /** Debian architecture of the root, e.g. `amd64`. */
  arch: string;
  /** Package names, optionally pinned as `name=version`. */
  install: readonly string[];
  /** Add every Priority: required and Essential: yes package, as debootstrap's base does. */
  withRequired: boolean;
  /** Names never to install; a relation only they could meet is an error. */
  exclude?: readonly string[];
}

export interface Resolution {
  /** The chosen packages, one per name, sorted by name. */
  packages: BinaryPackage[];
  /** Why each package is in: `requested`, `Priority: required`, or `<pkg> Depends: <relation>`. */
  reasons: Map<string, string>;
}

export function resolvePackages(
  index: readonly BinaryPackage[] | PackageIndex,
  req: ResolveRequest,
): Resolution {
  const idx = asIndex(index);
  const ruledOut = new Map<BinaryPackage, string>();
  for (;;) {
    const solve = new Solve(idx, req, ruledOut);
    const retry = solve.run();
    if (retry === undefined) return solve.result();
    ruledOut.set(retry.pkg, retry.because);
  }
}

interface Retry {
  pkg: BinaryPackage;
  because: string;
}

const PRIORITY_RANK: Record<string, number> = { required: 0, important: 1, standard: 2 };

class Solve {
  readonly idx: PackageIndex;
  readonly arch: string;
  readonly req: ResolveRequest;
  readonly ruledOut: ReadonlyMap<BinaryPackage, string>;
  readonly excluded: ReadonlySet<string>;
  readonly pinned = new Set<string>();
  readonly selected = new Map<string, BinaryPackage>();
  readonly selectedProviders = new Map<string, ProvidedBy[]>();
  /** Conflicts and Breaks of selected packages, by the name they target. */
  readonly conflictsOn = new Map<string, { by: BinaryPackage; rel: Relation }[]>();
  readonly parent = new Map<string, string>();
  readonly reasons = new Map<string, string>();
  readonly queue: BinaryPackage[] = [];
  readonly pending: { pkg: BinaryPackage; field: string; group: Relation[] }[] = [];

  constructor(idx: PackageIndex, req: ResolveRequest, ruledOut: ReadonlyMap<BinaryPackage, string>) {
    this.idx = idx;
    this.arch = req.arch;
    this.req = req;
    this.ruledOut = ruledOut;
    this.excluded = new Set(req.exclude ?? []);
  }

  run(): Retry | undefined {
    const retry = this.selectRoots() ?? this.expandAll();
    if (retry !== undefined) return retry;
    const conflicts = findConflicts(this.idx, [...this.selected.values()], this.arch);
    if (conflicts.length > 0) {
      throw new BrokkrError("resolve.unsatisfiable", `the package set has ${conflicts.length} conflict(s)`, {
        problems: conflicts.map((c) => ({ path: this.chain(c.pkg.package), message: c.message })),
        hint: "exclude one side of each conflict, or request the alternative you want explicitly",
      });
    }
    return undefined;
  }

  result(): Resolution {
    const packages = [...this.selected.values()].sort((a, b) => (a.package < b.package ? -1 : 1));
    return { packages, reasons: this.reasons };
  }

  private selectRoots(): Retry | undefined {
    for (const item of this.req.install) {
      const { name, version } = this.parseRequested(item);
      if (this.excluded.has(name)) {
        throw new BrokkrError("resolve.unsatisfiable", `"${name}" is both requested and excluded`, {
          hint: `remove "${name}" from one of the two lists`,
        });
      }
      if (version !== undefined) this.pinned.add(name);
      const pkg = this.pickRoot(name, version);
      if (pkg === undefined) {
        // Not a real package: a virtual name is fine when exactly one package provides it;
        // with several, apt too asks the user to choose rather than guess.
        if (this.isSatisfied([{ name }])) continue; // another request provides it
        const providers = this.providerCandidates({ name });
        if (providers.length > 1) {
          throw new BrokkrError(
            "resolve.unsatisfiable",
            `"${name}" is a virtual package with several providers`,
            {
              hint: `request one of them instead: ${providers.map((p) => p.package).join(", ")}`,
            },
          );
        }
        const retry = this.resolveGroup(undefined, "requested", [{ name }]);
        if (retry !== undefined) return retry;
        continue;
      }
      this.select(pkg, "requested");
    }
    if (!this.req.withRequired) return undefined;
    for (const pkg of this.idx.baseSet) {
      if (this.selected.has(pkg.package) || this.excluded.has(pkg.package)) continue;
      if (!archFits(pkg, this.arch) || this.ruledOut.has(pkg)) continue;
      this.select(pkg, pkg.priority === "required" ? "Priority: required" : "Essential: yes");
    }
    return undefined;
  }

  /** `name`, `name=version` or `name:arch` (the root's own arch only). */
  private parseRequested(item: string): { name: string; version: string | undefined } {
    const eq = item.indexOf("=");
    let name = eq < 0 ? item.trim() : item.slice(0, eq).trim();
    const version = eq < 0 ? undefined : item.slice(eq + 1).trim();
    const colon = name.indexOf(":");
    if (colon >= 0) {
      const arch = name.slice(colon + 1);
      name = name.slice(0, colon);
      if (arch !== this.arch && arch !== "all" && arch !== "native") {
        throw new BrokkrError("resolve.unsatisfiable", `"${item}" asks for ${arch} in a ${this.arch} root`, {
          hint: `request "${name}" without an architecture, or build for ${arch}`,
        });
      }
    }
    return { name, version };
  }

  private pickRoot(name: string, version: string | undefined): BinaryPackage | undefined {
    const all = (this.idx.byName.get(name) ?? []).filter((p) => archFits(p, this.arch));
    if (version === undefined) {
      const pkg = all.find((p) => !this.ruledOut.has(p));
      if (pkg === undefined && all.length === 0 && !this.idx.providers.has(name)) {
        throw unknownPackage(this.idx, name, this.arch);
      }
      return pkg;
    }
    const pkg = all.find((p) => compareVersions(p.version, version) === 0);
    if (pkg === undefined) {
      if (all.length === 0) throw unknownPackage(this.idx, name, this.arch);
      throw new BrokkrError("resolve.unsatisfiable", `${name}=${version}: no such version for ${this.arch}`, {
        hint: `available: ${all.map((p) => p.version).join(", ")}`,
      });
    }
    return pkg;
  }

  private expandAll(): Retry | undefined {
    let next = 0;
    let nextPending = 0;
    for (;;) {
      while (next < this.queue.length) {
        const retry = this.expand(this.queue[next++]!);
        if (retry !== undefined) return retry;
      }
      // Choices among alternatives wait until every plain dependency is in, so an
      // alternative that something else pulls in anyway is found already selected.
      let chose = false;
      while (nextPending < this.pending.length && !chose) {
        const { pkg, field, group } = this.pending[nextPending++]!;
        if (this.isSatisfied(group)) continue;
        const retry = this.resolveGroup(pkg, field, group);
        if (retry !== undefined) return retry;
        chose = true;
      }
      if (!chose) return undefined;
    }
  }

  private expand(pkg: BinaryPackage): Retry | undefined {
    for (const { field, group } of this.idx.relationsOf(pkg).depends) {
      if (this.isSatisfied(group)) continue;
      if (group.length > 1) {
        this.pending.push({ pkg, field, group });
        continue;
      }
      const retry = this.resolveGroup(pkg, field, group);
      if (retry !== undefined) return retry;
    }
    return undefined;
  }

  private isSatisfied(group: readonly Relation[]): boolean {
    for (const rel of group) {
      const pkg = this.selected.get(rel.name);
      if (pkg !== undefined && satisfiesDirectly(rel, pkg, this.arch)) return true;
      const provs = this.selectedProviders.get(rel.name);
      if (provs?.some((p) => qualifierAccepts(rel, p.pkg, this.arch) && providedSatisfies(rel, p)))
        return true;
    }
    return false;
  }

  /** Picks and selects one package for an unmet group, or asks for a restart. */
  private resolveGroup(from: BinaryPackage | undefined, field: string, group: Relation[]): Retry | undefined {
    let blocked: Retry | undefined;
    let conflicting: BinaryPackage | undefined;
    for (const rel of group) {
      const held = this.selected.get(rel.name);
      const real = this.realCandidates(rel);
      if (held !== undefined && real.length > 0) {
        // One version per name: another version would do, but a different one is in.
        if (!this.pinned.has(rel.name) && blocked === undefined) {
          const path =
            from === undefined ? formatRelation(rel) : `${this.chain(from.package)} → ${formatRelation(rel)}`;
          blocked = { pkg: held, because: `${held.package} ${held.version} does not meet ${path}` };
        }
        continue;
      }
      const candidates = real.length > 0 ? real : this.providerCandidates(rel);
      for (const cand of candidates) {
        if (!this.conflictsWithSelection(cand)) {
          this.select(
            cand,
            from === undefined ? field : `${from.package} ${field}: ${formatGroup(group)}`,
            from,
          );
          return undefined;
        }
        conflicting ??= cand;
      }
    }
    if (blocked !== undefined) return blocked;
    if (conflicting !== undefined) {
      // Every candidate conflicts: take the first and let the final check name the conflict.
      this.select(
        conflicting,
        from === undefined ? field : `${from.package} ${field}: ${formatGroup(group)}`,
        from,
      );
      return undefined;
    }
    const head = from === undefined ? "" : `${this.chain(from.package)} → `;
    const misses = group.map((rel) =>
      explainMiss(this.idx, rel, this.arch, this.excluded, this.ruledOut, this.selected),
    );
    throw new BrokkrError("resolve.unsatisfiable", `${head}${formatGroup(group)} : ${misses.join("; ")}`, {
      details: {
        chain: from === undefined ? [] : this.chainList(from.package),
        relation: formatGroup(group),
      },
      hint:
        "no package in the index meets this relation; check the suite and components, pin another version " +
        "of a package in the chain (name=version), or exclude the package that needs it",
    });
  }

  /** Real packages named by `rel` that meet it, newest first. */
  private realCandidates(rel: Relation): BinaryPackage[] {
    const all = this.idx.byName.get(rel.name);
    if (all === undefined || this.excluded.has(rel.name)) return [];
    return all.filter(
      (p) => archFits(p, this.arch) && !this.ruledOut.has(p) && satisfiesDirectly(rel, p, this.arch),
    );
  }

  /** Packages providing `rel`'s name: selected first, then by priority, then by name. */
  private providerCandidates(rel: Relation): BinaryPackage[] {
    const seen = new Set<string>();
    const out: BinaryPackage[] = [];
    for (const p of this.idx.providers.get(rel.name) ?? []) {
      const { pkg } = p;
      if (seen.has(pkg.package) || this.excluded.has(pkg.package) || this.ruledOut.has(pkg)) continue;
      if (!archFits(pkg, this.arch) || !qualifierAccepts(rel, pkg, this.arch) || !providedSatisfies(rel, p))
        continue;
      const held = this.selected.get(pkg.package);
      if (held !== undefined && held !== pkg) continue;
      seen.add(pkg.package);
      out.push(pkg);
    }
    const rank = (p: BinaryPackage) => (this.selected.has(p.package) ? -1 : (PRIORITY_RANK[p.priority] ?? 3));
    return out.sort((a, b) => rank(a) - rank(b) || (a.package < b.package ? -1 : 1));
  }

  private conflictsWithSelection(cand: BinaryPackage): boolean {
    for (const rel of this.idx.relationsOf(cand).conflicts) {
      const held = this.selected.get(rel.name);
      if (
        held !== undefined &&
        held.package !== cand.package &&
        satisfiesRelation(this.idx, rel, held, this.arch)
      ) {
        return true;
      }
      for (const p of this.selectedProviders.get(rel.name) ?? []) {
        if (p.pkg.package !== cand.package && providedSatisfies(rel, p)) return true;
      }
    }
    const names = [cand.package, ...this.idx.providesOf(cand).map((p) => p.name)];
    for (const name of names) {
      for (const { by, rel } of this.conflictsOn.get(name) ?? []) {
        if (by.package !== cand.package && satisfiesRelation(this.idx, rel, cand, this.arch)) return true;
      }
    }
    return false;
  }

  private select(pkg: BinaryPackage, reason: string, from?: BinaryPackage): void {
    this.selected.set(pkg.package, pkg);
    this.reasons.set(pkg.package, reason);
    if (from !== undefined) this.parent.set(pkg.package, from.package);
    for (const p of this.idx.providesOf(pkg)) {
      let list = this.selectedProviders.get(p.name);
      if (list === undefined) this.selectedProviders.set(p.name, (list = []));
      list.push(p.version === undefined ? { pkg } : { pkg, version: p.version });
    }
    for (const rel of this.idx.relationsOf(pkg).conflicts) {
      let list = this.conflictsOn.get(rel.name);
      if (list === undefined) this.conflictsOn.set(rel.name, (list = []));
      list.push({ by: pkg, rel });
    }
    this.queue.push(pkg);
  }

  /** Names from a root down to `name`, following who pulled each in. */
  private chainList(name: string): string[] {
    const out = [name];
    for (let p = this.parent.get(name); p !== undefined; p = this.parent.get(p)) out.unshift(p);
    return out;
  }

  private chain(name: string): string {
    return this.chainList(name).join(" → ");
  }
}
