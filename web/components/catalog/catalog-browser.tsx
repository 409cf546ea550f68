"use client";
// The Catalog page's body: one search over kernels, drivers, ports and units; ports and drivers
// can be added to the image from here.
import { useState } from "react";
import type { CatalogData } from "../../lib/data/catalog-data.ts";
import { DriverTable } from "./driver-table.tsx";
import { KernelTable } from "./kernel-table.tsx";
import { PortCatalog } from "./port-catalog.tsx";
import { UnitTable } from "./unit-table.tsx";

/** Every word of the query somewhere in the entry's text. */
function matcher(query: string): (entry: object) => boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return () => true;
  return (entry) => {
    const text = JSON.stringify(entry).toLowerCase();
    return words.every((w) => text.includes(w));
  };
}

export function CatalogBrowser({ catalog }: { catalog: CatalogData }) {
  const [query, setQuery] = useState("");
  const match = matcher(query);
  const kernels = catalog.kernels.filter(match);
  const drivers = catalog.drivers.filter(match);
  const ports = catalog.ports.filter(match);
  const units = catalog.units.filter(match);
  const total = kernels.length + drivers.length + ports.length + units.length;
  return (
    <>
      <div className="field catalog-search">
        <label htmlFor="catalog-search">Search the catalog</label>
        <input
          id="catalog-search"
          type="search"
          value={query}
          placeholder="name, description, package or module, e.g. wifi"
          onChange={(e) => setQuery(e.currentTarget.value)}
        />
        <p className="field-help" aria-live="polite">
          {query ? `${total} match${total === 1 ? "" : "es"}` : null}
        </p>
      </div>
      <nav aria-label="Catalog sections" className="button-row page-actions">
        <a className="pill" href="#kernels">
          Kernels ({kernels.length})
        </a>
        <a className="pill" href="#drivers">
          Drivers ({drivers.length})
        </a>
        <a className="pill" href="#ports">
          Ports ({ports.length})
        </a>
        <a className="pill" href="#units">
          Units ({units.length})
        </a>
      </nav>
      <section className="card" id="kernels" aria-labelledby="kernels-title">
        <h2 id="kernels-title">Kernels</h2>
        <KernelTable kernels={kernels} />
      </section>
      <section className="card" id="drivers" aria-labelledby="drivers-title">
        <h2 id="drivers-title">Drivers</h2>
        <DriverTable drivers={drivers} />
      </section>
      <section className="card" id="ports" aria-labelledby="ports-title">
        <h2 id="ports-title">Ports</h2>
        <PortCatalog ports={ports} />
      </section>
      <section className="card" id="units" aria-labelledby="units-title">
        <h2 id="units-title">Systemd units</h2>
        <UnitTable units={units} />
      </section>
    </>
  );
}
