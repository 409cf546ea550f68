// The catalog's systemd units for one image: their files and the unit names to enable.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Catalog, type Unit, unitsToEnable } from "../catalog/index.ts";
import type { ExtraFile } from "../rootfs/configure.ts";
import type { ImageSpec } from "../spec/index.ts";

export function catalogUnits(opts: { spec: ImageSpec; catalog: Catalog; packages: Set<string> }): {
  files: ExtraFile[];
  enable: string[];
  disable: string[];
} {
  const { spec, catalog } = opts;
  const applies = (u: Unit) => (u.requires?.packages ?? []).every((p) => opts.packages.has(p));
  const disabledIds = new Set(spec.units.disable.filter((n) => catalog.units.has(n)));
  const chosen = [...catalog.units.values()].filter(
    (u) => ((u.default && applies(u)) || spec.units.enable.includes(u.id)) && !disabledIds.has(u.id),
  );
  const files: ExtraFile[] = [];
  const enable: string[] = [];
  for (const u of chosen.sort((a, b) => a.id.localeCompare(b.id))) {
    for (const f of u.files) {
      files.push({ path: f.install.slice(1), data: readFileSync(join(u.dir, f.path)), mode: 0o644 });
    }
    enable.push(...unitsToEnable(u, spec.arch));
  }
  for (const id of spec.ports) enable.push(...(catalog.ports.get(id)?.units?.enable ?? []));
  enable.push(...spec.units.enable.filter((n) => !catalog.units.has(n)));
  const disable = spec.units.disable.flatMap((n) => {
    const u = catalog.units.get(n);
    return u ? unitsToEnable(u, spec.arch) : [n];
  });
  return { files, enable: [...new Set(enable)].sort(), disable: [...new Set(disable)].sort() };
}
