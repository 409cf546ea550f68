// Folder-level import cycles in composer/src: each folder (and each file at the top) is a node,
// each relative import from a non-test file an edge. A cycle means two folders can only be
// understood together, so the layering in docs/architecture.md no longer holds. Tests may
// import upwards (a spec test loads the catalog); they are left out.
//
//   node scripts/import-cycles.ts [DIR]     exit 1 and print every cycle
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

export type Graph = Map<string, Set<string>>;

const importRe = /^\s*(?:import|export)\s[^'"]*?from\s+["'](\.{1,2}\/[^"']+)["']/gm;

/** The node a file belongs to: its first folder under root, or its own name at the top. */
function nodeOf(root: string, file: string): string {
  const parts = relative(root, file).split(sep);
  return parts.length > 1 ? parts[0]! : parts[0]!.replace(/\.tsx?$/, ".ts");
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

export function folderGraph(root: string): Graph {
  const graph: Graph = new Map();
  for (const file of sourceFiles(root)) {
    const from = nodeOf(root, file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const m of readFileSync(file, "utf8").matchAll(importRe)) {
      const target = resolve(dirname(file), m[1]!);
      if (relative(root, target).startsWith("..")) continue;
      const to = nodeOf(root, target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Strongly connected components with more than one node (Tarjan), each sorted. */
export function findCycles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) cycles.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

if (import.meta.main) {
  const root = resolve(process.argv[2] ?? join(import.meta.dirname, "../composer/src"));
  const cycles = findCycles(folderGraph(root));
  for (const c of cycles) process.stderr.write(`import cycle between folders: ${c.join(" <-> ")}\n`);
  if (cycles.length > 0) process.exitCode = 1;
  else process.stdout.write(`${relative(process.cwd(), root) || "."}: no folder-level import cycles\n`);
}
