import type { Metadata } from "next";
import { connection } from "next/server";
import { DriverTable } from "../../components/catalog/driver-table.tsx";
import { KernelTable } from "../../components/catalog/kernel-table.tsx";
import { PortCatalog } from "../../components/catalog/port-catalog.tsx";
import { UnitTable } from "../../components/catalog/unit-table.tsx";
import { getCatalogData } from "../../lib/data/catalog.ts";

export const metadata: Metadata = { title: "Catalog" };

export default async function CatalogPage() {
  await connection();
  const catalog = await getCatalogData();
  return (
    <>
      <h1 className="page-title">Catalog</h1>
      <p className="page-subtitle">
        What an image can hold: one YAML file per entry in kernel/, drivers/, ports/ and systemd-units/.
      </p>
      <nav aria-label="Catalog sections" className="button-row page-actions">
        <a className="pill" href="#kernels">
          Kernels ({catalog.kernels.length})
        </a>
        <a className="pill" href="#drivers">
          Drivers ({catalog.drivers.length})
        </a>
        <a className="pill" href="#ports">
          Ports ({catalog.ports.length})
        </a>
        <a className="pill" href="#units">
          Units ({catalog.units.length})
        </a>
      </nav>
      <section className="card" id="kernels" aria-labelledby="kernels-title">
        <h2 id="kernels-title">Kernels</h2>
        <KernelTable kernels={catalog.kernels} />
      </section>
      <section className="card" id="drivers" aria-labelledby="drivers-title">
        <h2 id="drivers-title">Drivers</h2>
        <DriverTable drivers={catalog.drivers} />
      </section>
      <section className="card" id="ports" aria-labelledby="ports-title">
        <h2 id="ports-title">Ports</h2>
        <PortCatalog ports={catalog.ports} />
      </section>
      <section className="card" id="units" aria-labelledby="units-title">
        <h2 id="units-title">Systemd units</h2>
        <UnitTable units={catalog.units} />
      </section>
    </>
  );
}
