// Garbage collection under churn, for `npm run bench` (and alone: `node scripts/bench-gc.ts`):
// 20 schematics rebuilt over and over (each rebuild supersedes the last), artifacts of 1 MB of
// noise each, a store cap of 24 MiB and the default grace period of a day (so only the cap frees
// space here), a collection after every 10 builds. The
// figure: the store's size after each collection against the cap, and what the URLs still serve.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dataDir = mkdtempSync(join(tmpdir(), "brokkr-bench-gc-"));
process.env["BROKKR_STORE_MAX_MB"] = "24";
process.env["BROKKR_GC_GRACE_HOURS"] = "24";
process.env["BROKKR_GC_INTERVAL_MINUTES"] = "0";
process.env["BROKKR_CACHE_DIR"] = join(dataDir, "cache");

const { getSettings } = await import("../composer/src/settings/index.ts");
const { defaultLimits } = await import("../web/lib/service/limits.ts");
const { startServer } = await import("../web/server/start.ts");
type Builder = import("../web/lib/builds/builder.ts").Builder;

/** Writes 1 MB of noise (a new blob every build) and a manifest. */
const noiseBuilder: Builder = async (job) => {
  writeFileSync(join(job.outDir, "disk.img"), randomBytes(1_000_000));
  writeFileSync(join(job.outDir, "manifest.json"), `${JSON.stringify({ schematicId: job.schematicId })}\n`);
  return { files: ["disk.img", "manifest.json"] };
};

function storeBytes(root: string): number {
  const walk = (d: string): number =>
    readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? walk(join(d, e.name)) : statSync(join(d, e.name)).size), 0);
  try {
    return walk(join(root, "sha256"));
  } catch {
    return 0;
  }
}

export async function benchGc(): Promise<string> {
  const cap = getSettings().storeMaxMb * 2 ** 20;
  const limits = { ...defaultLimits, writesPerMinute: 1e6, queuePerClient: 1e6 };
  const server = await startServer({ port: 0, host: "127.0.0.1", dataDir, databaseUrl: undefined, buildConcurrency: 1, ui: false, limits }, { builder: noiseBuilder });
  const spec = readFileSync(join(getSettings().root, "examples/minimal.yaml"), "utf8");
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`${server.url}/api/schematics`, { method: "POST", headers: { "content-type": "application/yaml" }, body: spec.replace("name: minimal", `name: churn-${i}`) });
    ids.push(((await res.json()) as { id: string }).id);
  }
  const after: number[] = [];
  let peakBefore = 0;
  const t0 = performance.now();
  try {
    for (let n = 1; n <= 200; n++) {
      const { buildId } = (await (await fetch(`${server.url}/api/schematics/${ids[n % 20]}/builds`, { method: "POST" })).json()) as { buildId: string };
      await (await fetch(`${server.url}/api/builds/${buildId}/log`)).text();
      if (n % 10 === 0) {
        peakBefore = Math.max(peakBefore, storeBytes(join(dataDir, "store")));
        await server.service.collectGarbage({ dryRun: false, verify: false, youngBlobMs: 0 });
        after.push(storeBytes(join(dataDir, "store")));
      }
    }
    let served = 0;
    for (const id of ids) if ((await fetch(`${server.url}/images/${id}/disk.img`, { method: "HEAD" })).status === 200) served++;
    const mib = (x: number) => `${(x / 2 ** 20).toFixed(1)} MiB`;
    const sorted = [...after].sort((a, b) => a - b);
    return `## Garbage collection under churn

Measured by \`npm run bench\` (\`scripts/bench-gc.ts\`), ${new Date().toISOString().slice(0, 10)}: 200 builds of 20 schematics
(each rebuild supersedes the last; 1 MB of noise per build, so every build has its own blob), store cap
\`BROKKR_STORE_MAX_MB=24\`, a grace period of a day (so only the cap frees space), \`collectGarbage\` after every 10 builds; ${((performance.now() - t0) / 1000).toFixed(1)} s in all.

| | min / median / max | cap |
|---|---|---|
| store size after each of ${after.length} collections | ${mib(sorted[0]!)} / ${mib(sorted[sorted.length >> 1]!)} / ${mib(sorted.at(-1)!)} | ${mib(cap)} |
| store size before a collection (peak) | ${mib(peakBefore)} | |
| schematics whose \`/images/<id>/disk.img\` still answers | ${served} of 20 | 20 |

Served builds are never removed (here 20 × 1 MB): the cap holds as long as it is above what the URLs serve; the rest goes oldest first.
`;
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const section = await benchGc();
  const file = join(getSettings().root, "docs/benchmarks.md");
  const text = readFileSync(file, "utf8");
  const start = text.indexOf("## Garbage collection under churn");
  const next = start === -1 ? -1 : text.indexOf("\n## ", start + 1);
  writeFileSync(file, start === -1 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, start)}${section}${next === -1 ? "" : text.slice(next + 1)}`);
  console.log(section);
}
