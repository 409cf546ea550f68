// The browser entry stays browser-safe: every module it reaches imports only relative modules and
// the pure packages below, never node:*; and both entries load by the package's name.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { test } from "node:test";

const pure = new Set(["zod", "yaml", "canonicalize"]);

/** Module specifiers a file loads at run time (type-only imports and exports are erased). */
function runtimeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\sfrom\s+"([^"]+)"/gms)) if (!m[2]) out.push(m[3]!);
  for (const m of text.matchAll(/^\s*import\s+"([^"]+)"/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/(?<!typeof\s)\bimport\(\s*"([^"]+)"\s*\)/g)) out.push(m[1]!);
  return out;
}

test("nothing browser.ts reaches imports a Node module", () => {
  const seen = new Set<string>();
  const bad: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of runtimeImports(readFileSync(file, "utf8"))) {
      if (spec.startsWith(".")) visit(join(dirname(file), spec));
      else if (!pure.has(spec)) bad.push(`${relative(import.meta.dirname, file)} imports ${spec}`);
    }
  };
  visit(join(import.meta.dirname, "browser.ts"));
  assert.ok(seen.size > 10, `walked ${seen.size} modules`);
  assert.deepEqual(bad, []);
});

test("@brokkr/composer and @brokkr/composer/browser load by name", async () => {
  const browser = await import("@brokkr/composer/browser");
  const node = await import("@brokkr/composer");
  assert.equal(typeof browser.schematicId, "function");
  assert.equal(node.schematicId, browser.schematicId, "one module, one function");
  assert.equal(typeof node.build, "function");
  assert.equal(typeof node.errataVersion, "number");
  assert.equal(typeof (browser as Record<string, unknown>)["build"], "undefined");
});

test("the web imports the composer by package name only, never composer/src/…", () => {
  const web = join(import.meta.dirname, "../../web");
  const deep: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== "node_modules" && e.name !== ".next") walk(path);
      } else if (/\.(ts|tsx|js|mjs)$/.test(e.name)) {
        const text = readFileSync(path, "utf8");
        for (const m of text.matchAll(/(?:from\s+|import\(\s*(?:\/\*.*?\*\/\s*)*)"([^"]*composer\/src[^"]*)"/g)) {
          deep.push(`${relative(web, path)}: ${m[1]}`);
        }
      }
    }
  };
  walk(web);
  assert.deepEqual(deep, [], "import from @brokkr/composer (Node) or @brokkr/composer/browser (pages, components)");
});
