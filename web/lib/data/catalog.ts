// Server-only: reads the catalog folders of the repository at request time, so adding a port
// file shows up on the next page load without a rebuild.
import "server-only";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { getSettings } from "../../../composer/src/settings/index.ts";
import { type CatalogData, toCatalogData } from "./catalog-data.ts";

type CatalogLoader = typeof import("../../../composer/src/catalog/load.ts");

/**
 * The loader is imported by Node at run time, not bundled: it finds the repository from its
 * own file URL, which a bundle would rewrite, and the Brokkr server loads the same module.
 */
async function catalogLoader(): Promise<CatalogLoader> {
  const url = pathToFileURL(join(getSettings().root, "composer/src/catalog/load.ts")).href;
  return (await import(/* turbopackIgnore: true */ /* webpackIgnore: true */ url)) as CatalogLoader;
}

export async function getCatalogData(): Promise<CatalogData> {
  const { loadCatalog } = await catalogLoader();
  return toCatalogData(await loadCatalog(getSettings().root));
}
