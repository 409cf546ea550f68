// Error texts for the solver: why a relation has no candidate, and "did you mean" for names.

import { BrokkrError } from "../errors.ts";
import type { BinaryPackage } from "../feeds/debian/types.ts";
import {
  archFits,
  type PackageIndex,
  providedSatisfies,
  qualifierAccepts,
  satisfiesDirectly,
} from "./package-index.ts";
import type { Relation } from "./relations.ts";
import { suggestNames } from "./suggest.ts";

/** One short clause saying why nothing in the index meets `rel`. */
export function explainMiss(
  idx: PackageIndex,
  rel: Relation,
  arch: string,
  excluded: ReadonlySet<string>,
  ruledOut: ReadonlyMap<BinaryPackage, string>,
  selected: ReadonlyMap<string, BinaryPackage>,
): string {
  const name = rel.name;
  const all = idx.byName.get(name) ?? [];
  const fit = all.filter((p) => archFits(p, arch));
  const providers = (idx.providers.get(name) ?? []).filter((p) => archFits(p.pkg, arch));
  if (fit.length === 0 && providers.length === 0) {
    if (all.length > 0)
      return `no candidate (${name} exists only for ${unique(all.map((p) => p.architecture).sort())})`;
    return `no candidate (no package ${name} for ${arch})`;
  }
  if (fit.length > 0) {
    if (excluded.has(name)) return `no candidate (${name} is excluded)`;
    const held = selected.get(name);
    if (held !== undefined) return `no candidate (${name} ${held.version} is already selected)`;
    if (!fit.some((p) => qualifierAccepts(rel, p, arch))) {
      return `no candidate (${name} is not Multi-Arch: allowed or foreign, so ${name}:${rel.arch} cannot be met)`;
    }
    const meeting = fit.filter((p) => satisfiesDirectly(rel, p, arch));
    const ruled = meeting.find((p) => ruledOut.has(p));
    if (ruled !== undefined)
      return `no candidate (${name} ${ruled.version} ruled out: ${ruledOut.get(ruled)})`;
    if (providers.length === 0) return `no candidate (${name} has ${unique(fit.map((p) => p.version))})`;
  }
  const usable = providers.filter((p) => providedSatisfies(rel, p));
  const names = unique(providers.map((p) => p.pkg.package));
  if (usable.length === 0 && rel.op !== undefined) {
    return `no candidate (${name} is provided by ${names}, but not with a version ${rel.op} ${rel.version})`;
  }
  return `no candidate (providers ${names} are excluded, ruled out or in conflict)`;
}

/** The error for a requested name the index does not know, with close names as a hint. */
export function unknownPackage(idx: PackageIndex, name: string, arch: string): BrokkrError {
  const others = unique((idx.byName.get(name) ?? []).map((p) => p.architecture).sort());
  if (others !== "") {
    return new BrokkrError("resolve.unsatisfiable", `package "${name}" is not available for ${arch}`, {
      hint: `it exists for ${others}; choose another architecture or drop it`,
    });
  }
  const near = suggestNames(name, idx.byName.keys());
  return new BrokkrError("resolve.unsatisfiable", `unknown package "${name}"`, {
    hint:
      near.length > 0
        ? `did you mean ${near.join(", ")}?`
        : "check the name; the package may be in a suite or component the spec does not use",
    details: { suggestions: near },
  });
}

function unique(xs: readonly string[]): string {
  return [...new Set(xs)].join(", ");
}
