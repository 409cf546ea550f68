import type { Metadata } from "next";
import { connection } from "next/server";
import { CatalogBrowser } from "../../components/catalog/catalog-browser.tsx";
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
      <CatalogBrowser catalog={catalog} />
    </>
  );
}
