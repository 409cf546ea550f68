import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { checkInstallScripts, findScriptPackages } from "./check-install-scripts.ts";

const script = fileURLToPath(new URL("check-install-scripts.ts", import.meta.url));
const fixture = fileURLToPath(new URL("fixtures/install-scripts", import.meta.url));
const repo = fileURLToPath(new URL("..", import.meta.url));

function runCheck(dir: string) {
  return spawnSync(process.execPath, [script, dir], { encoding: "utf8" });
}

test("a dependency with an install script nobody reviewed fails the check", () => {
  const r = runCheck(fixture);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /UNREVIEWED: telemetry-beacon@1\.0\.0 .*add "telemetry-beacon": true/);
  assert.match(r.stdout, /allowed: {4}node@24\.21\.0/);
  // A name-only entry covers every version, nested copies too.
  assert.match(r.stdout, /refused: {4}esbuild@0\.18\.20 \(node_modules\/tool\/node_modules\/esbuild\)/);
  assert.match(r.stderr, /FAILED/);
});

test("the repository's own lock passes: every install script has a decision", () => {
  const r = runCheck(repo);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /allowed: {4}node@/);
});

test("a pinned key wins over the name-only key, and only matches its version", () => {
  const lock = JSON.parse(readFileSync(`${fixture}/package-lock.json`, "utf8"));
  const packages = findScriptPackages(lock).filter((p) => p.name === "esbuild");
  const report = checkInstallScripts({ "esbuild@0.25.12": true, esbuild: false }, packages);
  assert.deepEqual(
    report.allowed.map((p) => p.version),
    ["0.25.12"],
  );
  assert.deepEqual(
    report.refused.map((p) => p.version),
    ["0.18.20"],
  );
  const pinnedOnly = checkInstallScripts({ "esbuild@0.25.12": true }, packages);
  assert.deepEqual(
    pinnedOnly.unreviewed.map((p) => p.version),
    ["0.18.20"],
  );
});

test("entries for packages that are gone, and values that are not booleans, fail", () => {
  const packages = [{ name: "node", version: "24.21.0", path: "node_modules/node" }];
  const report = checkInstallScripts(
    { node: true, "node@20.0.0": true, "left-pad": false, esbuild: "yes" },
    packages,
  );
  assert.deepEqual(report.stale, ["node@20.0.0", "left-pad"]);
  assert.deepEqual(report.invalid, ["esbuild"]);
});

test("workspace links and packages without scripts are not dependencies with install scripts", () => {
  const lock = {
    packages: {
      "": { name: "root", hasInstallScript: true },
      web: { name: "web", hasInstallScript: true },
      "node_modules/web": { link: true, hasInstallScript: true },
      "node_modules/@img/sharp": { version: "1.0.0", hasInstallScript: true },
      "node_modules/plain": { version: "1.0.0" },
    },
  };
  assert.deepEqual(findScriptPackages(lock), [
    { name: "@img/sharp", version: "1.0.0", path: "node_modules/@img/sharp" },
  ]);
  assert.throws(() => findScriptPackages({ lockfileVersion: 1, dependencies: {} }), /lockfileVersion 2 or 3/);
});
