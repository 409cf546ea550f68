// Server-only: reads the catalog folders of the repository at request time, so adding a port
// file shows up on the next page load without a rebuild.
import "server-only";
import { type CatalogData, toCatalogData } from "./catalog-data.ts";

type Composer = typeof import("@brokkr/composer");

/**
 * The composer is imported by Node at run time, not bundled: it finds the checkout (BROKKR_ROOT,
 * else from its own path, which a bundle would rewrite), and the Brokkr server has it loaded.
 */
async function composer(): Promise<Composer> {
  const name = "@brokkr/composer";
  return (await import(/* turbopackIgnore: true */ /* webpackIgnore: true */ name)) as Composer;
}

export async function getCatalogData(): Promise<CatalogData> {
  const { loadCatalog } = await composer();
  return toCatalogData(await loadCatalog());
}
