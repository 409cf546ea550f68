// Where the Brokkr checkout is (catalog folders, examples/, schemas/): from this module's own
// path when it runs unbundled, else the working directory or its nearest parent that has one
// (Next's server bundle rewrites module URLs).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function isCheckout(dir: string): boolean {
  return existsSync(join(dir, "kernel")) && existsSync(join(dir, "composer"));
}

export function findRepository(): string {
  try {
    const own = fileURLToPath(new URL("../../../", import.meta.url));
    if (isCheckout(own)) return own.replace(/\/$/, "");
  } catch {
    // not a file: URL (bundled); fall through
  }
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (isCheckout(dir)) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}
