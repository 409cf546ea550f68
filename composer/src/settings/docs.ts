// The settings tables in the READMEs, generated from the table between marker comments:
// <!-- settings: build cli --> ... <!-- /settings -->
import type { Scope, Setting } from "./kinds.ts";
import { settingsTable } from "./table.ts";

/** The Markdown table of the settings in `scopes`. */
export function renderSettings(scopes: Scope[]): string {
  const rows = (Object.values(settingsTable) as Setting<unknown>[])
    .filter((s) => scopes.includes(s.scope))
    .map((s) => `| \`${s.env}\` | ${s.shownDefault || "—"} | ${s.description} |`);
  return ["| variable | default | what it sets |", "|---|---|---|", ...rows].join("\n");
}

const block = /(<!-- settings:([a-z ]+) -->\n)[\s\S]*?(<!-- \/settings -->)/g;

/** `text` with every marked block regenerated. */
export function regenerate(text: string): string {
  return text.replace(block, (_all, open: string, scopes: string, close: string) => {
    return `${open}${renderSettings(scopes.trim().split(/\s+/) as Scope[])}\n${close}`;
  });
}

/** The scopes documented by the marked blocks of `text`. */
export function documentedScopes(text: string): Scope[] {
  return [...text.matchAll(block)].flatMap((m) => m[2]!.trim().split(/\s+/) as Scope[]);
}

/** The files that hold settings tables, relative to the repository. */
export const docFiles = ["README.md", "web/README.md", "scripts/README.md"];
