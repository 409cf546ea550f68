// Server-only: reads the catalog folders of the repository at request time, so adding a port
// file shows up on the next page load without a rebuild.
import "server-only";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { type CatalogData, toCatalogData } from "./catalog-data.ts";

type CatalogLoader = typeof import("../../../composer/src/catalog/load.ts");

/**
 * The folder holding kernel/, drivers/, ports/ and systemd-units/. Bundled server code cannot
 * find it from its own URL, so BROKKR_ROOT or the first parent of the working directory that
 * has the catalog folders decides.
 */
export function repositoryRoot(): string {
  const fromEnv = process.env["BROKKR_ROOT"];
  if (fromEnv) return fromEnv;
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "kernel")) && existsSync(join(dir, "composer"))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/**
 * The loader is imported by Node at run time, not bundled: it finds the repository from its
 * own file URL, which a bundle would rewrite, and the Brokkr server loads the same module.
 */
async function catalogLoader(): Promise<CatalogLoader> {
  const url = pathToFileURL(join(repositoryRoot(), "composer/src/catalog/load.ts")).href;
  return (await import(/* turbopackIgnore: true */ /* webpackIgnore: true */ url)) as CatalogLoader;
}

export async function getCatalogData(): Promise<CatalogData> {
  const { loadCatalog } = await catalogLoader();
  return toCatalogData(await loadCatalog(repositoryRoot()));
}
