// The kernel image inside a kernel package's files, by the catalog's globs.
import type { TarEntry } from "../rootfs/tar.ts";
/** The first glob that matches a file wins, so a list can cover old and new package layouts. */
export function findImage(entries: TarEntry[], globs: string[], norm: (p: string) => string = (p) => p.replace(/^\.?\//, "")): TarEntry | undefined {
  for (const g of globs) {
    const re = new RegExp(`^${g.replace(/[.+]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
    const hit = entries.find((e) => e.type === "file" && re.test(norm(e.path)));
    if (hit) return hit;
  }
  return undefined;
}
