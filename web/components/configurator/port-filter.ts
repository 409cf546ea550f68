import type { Port } from "@brokkr/composer/browser";

/** Every word of the query must appear in the id, category, description or a package name. */
export function matchesQuery(port: Port, query: string): boolean {
  const hay = [port.id, port.category, port.description, ...port.packages].join(" ").toLowerCase();
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== "")
    .every((w) => hay.includes(w));
}
