import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { BrokkrError } from "../errors.ts";
import { docFiles, documentedScopes, regenerate } from "./docs.ts";
import { getSettings, resolveSettings, type Scope, type Setting, settingsTable } from "./index.ts";

const root = getSettings().root;

test("defaults, overrides and bad values", () => {
  const none = resolveSettings({ XDG_CACHE_HOME: "/x" });
  assert.equal(none.port, 3000);
  assert.equal(none.cacheDir, "/x/brokkr");
  assert.equal(none.mirror, undefined);
  assert.equal(none.ui, true);
  assert.equal(none.ci, false);
  assert.equal(none.root, root, "the checkout is found from the code");
  assert.equal(none.dataDir, join(root, ".brokkr", "data"));
  const set = resolveSettings({
    PORT: "8080",
    BROKKR_CACHE_DIR: "/c",
    BROKKR_UI: "off",
    CI: "true",
    BROKKR_ROOT: "/r",
    SOURCE_DATE_EPOCH: "1700000000",
  });
  assert.deepEqual(
    [set.port, set.cacheDir, set.ui, set.ci, set.dataDir, set.sourceDateEpoch],
    [8080, "/c", false, true, "/r/.brokkr/data", 1700000000],
  );
  assert.ok(Object.isFrozen(set));
  for (const [env, value] of [
    ["BROKKR_BUILD_CONCURRENCY", "0"],
    ["PORT", "http"],
    ["BROKKR_LIMINE_SHA256", "abc"],
  ]) {
    assert.throws(
      () => resolveSettings({ [env!]: value }),
      (e: unknown) =>
        e instanceof BrokkrError && e.code === "config.invalid" && e.message.startsWith(`${env}=${value}`),
    );
  }
});

test("every scope is documented once, and the READMEs are up to date", () => {
  const seen: Scope[] = [];
  for (const file of docFiles) {
    const text = readFileSync(join(root, file), "utf8");
    assert.equal(regenerate(text), text, `${file} is stale: run node composer/src/settings/write-docs.ts`);
    seen.push(...documentedScopes(text));
  }
  const scopes = new Set((Object.values(settingsTable) as Setting<unknown>[]).map((s) => s.scope));
  assert.deepEqual([...seen].sort(), [...scopes].sort());
});

/** Source files of composer/, web/ and scripts/ (not node_modules, not build output). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return ["node_modules", ".next"].includes(e.name) ? [] : sources(path);
    return /\.(ts|tsx|js|mjs)$/.test(e.name) ? [path] : [];
  });
}

test("the environment is read only through the settings table", () => {
  const own = join(root, "composer/src/settings");
  const known = new Set((Object.values(settingsTable) as Setting<unknown>[]).map((s) => s.env));
  const offenders: string[] = [];
  for (const file of ["composer", "web", "scripts"].flatMap((d) => sources(join(root, d)))) {
    if (file.startsWith(own)) continue;
    const text = readFileSync(file, "utf8");
    // A read is any use of process.env except: spreading it into a child's environment,
    // assigning or deleting a variable (tests), and PATH (the system's, for finding tools).
    for (const m of text.matchAll(
      /(\.\.\.|delete\s+)?process\.env(\[\s*"(\w+)"\s*\]|\.(\w+))?(\s*\?\?=|\s*=(?!=))?/g,
    )) {
      const name = m[3] ?? m[4];
      if (m[1] || m[5] || name === "PATH") continue;
      offenders.push(`${relative(root, file)}: process.env${m[2] ?? ""}`);
    }
    // A variable handed to a child must be one the table knows.
    for (const m of text.matchAll(/\b(BROKKR_[A-Z0-9_]+)\s*:/g)) {
      if (!known.has(m[1]!)) offenders.push(`${relative(root, file)}: ${m[1]} is not in the settings table`);
    }
  }
  assert.deepEqual(
    offenders,
    [],
    "read settings with getSettings(); add new variables to composer/src/settings/table.ts",
  );
});
