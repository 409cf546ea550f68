// Fails when a dependency in package-lock.json has an install script (preinstall, install,
// postinstall) that package.json's `allowScripts` neither approves (true) nor refuses (false).
// npm 12 silently skips such scripts and npm 11 silently runs them; this check reads only the two
// files, so it gives the same answer whatever npm the machine has. It also fails on entries that
// match no package with an install script, so the list stays exactly what we reviewed.
//   node scripts/check-install-scripts.ts [DIR]     DIR holds package.json and package-lock.json
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface ScriptPackage {
  name: string;
  version: string;
  /** Where it sits in the lock, e.g. node_modules/drizzle-kit/node_modules/esbuild. */
  path: string;
}

export interface ScriptReport {
  allowed: ScriptPackage[];
  refused: ScriptPackage[];
  unreviewed: ScriptPackage[];
  /** allowScripts keys that match no package with an install script. */
  stale: string[];
  /** allowScripts keys whose value is not true or false. */
  invalid: string[];
}

interface LockEntry {
  name?: string;
  version?: string;
  link?: boolean;
  hasInstallScript?: boolean;
}

/** The dependencies with install scripts in a lockfile v2/v3 (`packages`); workspaces are ours, not dependencies. */
export function findScriptPackages(lock: unknown): ScriptPackage[] {
  const packages = (lock as { packages?: Record<string, LockEntry> }).packages;
  if (typeof packages !== "object" || packages === null) {
    throw new Error(
      "package-lock.json has no `packages` map: regenerate it with npm 7 or newer (lockfileVersion 2 or 3)",
    );
  }
  const out: ScriptPackage[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    if (!entry.hasInstallScript || entry.link || !path.includes("node_modules/")) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    out.push({ name, version: entry.version ?? "", path });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Splits an allowScripts key: `esbuild`, `esbuild@0.25.12`, `@scope/pkg@1.0.0`. */
function splitKey(key: string): { name: string; version: string | null } {
  const at = key.lastIndexOf("@");
  return at > 0 ? { name: key.slice(0, at), version: key.slice(at + 1) } : { name: key, version: null };
}

/** Sorts every package with an install script by what allowScripts says about it. */
export function checkInstallScripts(allowScripts: unknown, packages: ScriptPackage[]): ScriptReport {
  const policy = (allowScripts ?? {}) as Record<string, unknown>;
  const report: ScriptReport = { allowed: [], refused: [], unreviewed: [], stale: [], invalid: [] };
  const used = new Set<string>();
  for (const [key, value] of Object.entries(policy)) {
    if (typeof value !== "boolean") report.invalid.push(key);
  }
  for (const pkg of packages) {
    // A pinned key (name@version) wins over the name-only one, as in npm.
    const key = [`${pkg.name}@${pkg.version}`, pkg.name].find((k) => k in policy);
    if (key === undefined) {
      report.unreviewed.push(pkg);
      continue;
    }
    used.add(key);
    if (policy[key] === true) report.allowed.push(pkg);
    else if (policy[key] === false) report.refused.push(pkg);
  }
  for (const key of Object.keys(policy)) {
    if (used.has(key) || report.invalid.includes(key)) continue;
    const { name, version } = splitKey(key);
    if (!packages.some((p) => p.name === name && (version === null || p.version === version)))
      report.stale.push(key);
  }
  return report;
}

/** The report as lines for a person, and whether it passes. */
export function describeReport(report: ScriptReport): { ok: boolean; lines: string[] } {
  const show = (p: ScriptPackage) => `${p.name}@${p.version} (${p.path})`;
  const lines = [
    ...report.allowed.map((p) => `allowed:    ${show(p)}`),
    ...report.refused.map((p) => `refused:    ${show(p)}`),
    ...report.unreviewed.map(
      (p) =>
        `UNREVIEWED: ${show(p)} has an install script: read it, then add "${p.name}": true (with the reason in the ` +
        `README's dependency notes) or "${p.name}": false to allowScripts in package.json`,
    ),
    ...report.stale.map(
      (k) => `STALE:      allowScripts["${k}"] matches no dependency with an install script: remove it`,
    ),
    ...report.invalid.map((k) => `INVALID:    allowScripts["${k}"] must be true or false`),
  ];
  const ok = report.unreviewed.length + report.stale.length + report.invalid.length === 0;
  return { ok, lines };
}

function main(): void {
  const dir = process.argv[2] ?? ".";
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { allowScripts?: unknown };
  const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")) as unknown;
  const { ok, lines } = describeReport(checkInstallScripts(manifest.allowScripts, findScriptPackages(lock)));
  for (const line of lines) console.log(`install scripts: ${line}`);
  if (!ok) {
    console.error("install scripts: FAILED: every dependency install script needs an allowScripts decision");
    process.exit(1);
  }
}

if (import.meta.main) main();
