import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { findCycles, folderGraph } from "./import-cycles.ts";

test("composer/src has no folder-level import cycle", () => {
  const cycles = findCycles(folderGraph(join(import.meta.dirname, "../composer/src")));
  assert.deepEqual(cycles, []);
});

test("a cycle through two folders is found; test files and imports within a folder are not edges", () => {
  const root = mkdtempSync(join(tmpdir(), "cycles-"));
  try {
    const put = (path: string, text: string) => {
      mkdirSync(join(root, path, ".."), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    put("a/one.ts", 'import { b } from "../b/two.ts";\nimport { x } from "./x.ts";\n');
    put("a/x.ts", "export const x = 1;\n");
    put("b/two.ts", 'export { a } from "../a/x.ts";\n');
    put("c/three.ts", 'import type { b } from "../b/two.ts";\n');
    put("c/three.test.ts", 'import { t } from "../top.ts";\n');
    put("top.ts", 'import { c } from "./c/three.ts";\n');
    assert.deepEqual(findCycles(folderGraph(root)), [["a", "b"]]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
