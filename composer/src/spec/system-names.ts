// system.timezone, system.locale and system.keymap against the names Debian ships (tables
// generated from tzdata, locales and console-data by scripts/refresh-system-tables.ts), and the
// locale's need for compiled locale data. Plain JSON, so the browser runs the same check.
import type { Catalog } from "../catalog/models.ts";
import type { Problem } from "../errors.ts";
import type { ImageSpec } from "./image-spec.ts";
import { closeNames, quoteList } from "../terms/suggest.ts";
import keymaps from "./tables/keymaps.json" with { type: "json" };
import locales from "./tables/locales.json" with { type: "json" };
import timezones from "./tables/timezones.json" with { type: "json" };

/** Locales glibc has built in: they need no locale data in the image. */
const BUILT_IN_LOCALES = new Set(["C", "C.UTF-8", "C.utf8", "POSIX"]);
/** The package with every locale precompiled (`locales` would need locale-gen at first boot). */
export const LOCALE_PACKAGE = "locales-all";

interface Table {
  source: string;
  names: string[];
  set: Set<string>;
}

const table = (t: { source: string; names: string[] }): Table => ({ ...t, set: new Set(t.names) });
const TABLES = { timezone: table(timezones), locale: table(locales), keymap: table(keymaps) };

const EXAMPLES = { timezone: "Europe/Berlin", locale: "de_DE.UTF-8", keymap: "de-latin1" };
const KIND = { timezone: "time zone", locale: "locale", keymap: "console keymap" };

function unknownName(field: keyof typeof TABLES, value: string): Problem {
  const t = TABLES[field];
  // Suggestions cost a distance per name: only for values a person could have meant.
  const close = value.length <= 64 ? closeNames(value, t.names, 3) : [];
  return {
    path: `system.${field}`,
    message: `unknown ${KIND[field]} '${value}' (not in Debian's ${t.source})`,
    hint: close.length > 0 ? `did you mean ${quoteList(close)}?` : `use a name such as ${EXAMPLES[field]}`,
  };
}

/** Whether the image gets the locale data: the package itself, or a port that brings it. */
function hasLocaleData(spec: ImageSpec, catalog: Catalog): boolean {
  if (spec.packages.includes(LOCALE_PACKAGE)) return true;
  return spec.ports.some((id) => catalog.ports.get(id)?.packages.includes(LOCALE_PACKAGE));
}

export function checkSystemNames(spec: ImageSpec, catalog: Catalog): Problem[] {
  const problems: Problem[] = [];
  for (const field of ["timezone", "locale", "keymap"] as const) {
    const value = spec.system[field];
    if (!TABLES[field].set.has(value) && !(field === "locale" && BUILT_IN_LOCALES.has(value))) {
      problems.push(unknownName(field, value));
    }
  }
  const locale = spec.system.locale;
  if (TABLES.locale.set.has(locale) && !BUILT_IN_LOCALES.has(locale) && !hasLocaleData(spec, catalog)) {
    const port = [...catalog.ports.values()].find((p) => p.packages.includes(LOCALE_PACKAGE));
    problems.push({
      path: "system.locale",
      message: `locale '${locale}' needs the locale data of the ${LOCALE_PACKAGE} package, which the image does not have`,
      hint: port
        ? `add the ${port.id} port, or use C.UTF-8`
        : `add ${LOCALE_PACKAGE} to packages, or use C.UTF-8`,
    });
  }
  return problems;
}
