// The plan's named package groups with their unpacked .debs: the pipeline asks for "kernel" or
// "loader" by name, never by a position in one long list.
import type { BinaryPackage } from "../feeds/debian/types.ts";
import type { TarEntry } from "../rootfs/tar.ts";
import type { GroupName } from "./plan.ts";
import { dataEntries, type UnpackedDeb } from "./unpack.ts";

export interface UnpackedPackage {
  pkg: BinaryPackage;
  deb: UnpackedDeb;
}

export interface UnpackedGroups {
  /** Every package, in download order. */
  all: UnpackedPackage[];
  get(name: GroupName): UnpackedPackage[];
  /** The data files of every package of a group. */
  entries(name: GroupName): TarEntry[];
}

export function groupUnpacked(groups: { name: GroupName; packages: BinaryPackage[] }[], unpacked: readonly UnpackedDeb[]): UnpackedGroups {
  const byName = new Map<GroupName, UnpackedPackage[]>();
  const all: UnpackedPackage[] = [];
  for (const g of groups) {
    const list = g.packages.map((pkg, i) => ({ pkg, deb: unpacked[all.length + i]! }));
    all.push(...list);
    byName.set(g.name, list);
  }
  const get = (name: GroupName) => byName.get(name) ?? [];
  return { all, get, entries: (name) => get(name).flatMap((u) => dataEntries(u.deb.dataTar, u.pkg.package)) };
}
