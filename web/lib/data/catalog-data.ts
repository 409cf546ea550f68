// The catalog as plain JSON, the shape that crosses from a server component to the browser
// (Maps and absolute server paths do not), and the way back to the composer's `Catalog`.
import type { Catalog, Driver, Kernel, Port, Unit } from "@brokkr/composer/browser";

export type UnitData = Omit<Unit, "dir">;

export interface CatalogData {
  kernels: Kernel[];
  drivers: Driver[];
  ports: Port[];
  units: UnitData[];
}

/** Plain data → the composer's Catalog, so its validation rules run unchanged in the browser. */
export function toCatalog(data: CatalogData): Catalog {
  return {
    kernels: new Map(data.kernels.map((k) => [k.id, k])),
    drivers: new Map(data.drivers.map((d) => [d.id, d])),
    ports: new Map(data.ports.map((p) => [p.id, p])),
    // `dir` is where a unit's files sit on the server; no browser rule reads it.
    units: new Map(data.units.map((u) => [u.id, { ...u, dir: "" }])),
  };
}

/** The composer's Catalog → plain data, sorted by id (ports by category, then id). */
export function toCatalogData(catalog: Catalog): CatalogData {
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    kernels: [...catalog.kernels.values()].sort(byId),
    drivers: [...catalog.drivers.values()].sort(byId),
    ports: [...catalog.ports.values()].sort((a, b) =>
      a.category === b.category ? byId(a, b) : a.category < b.category ? -1 : 1,
    ),
    units: [...catalog.units.values()].map(({ dir: _dir, ...unit }) => unit).sort(byId),
  };
}
