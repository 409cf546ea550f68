// The image service's figures for `npm run bench`: lookups under load, download speed against
// a plain disk read, and single flight for identical build requests. A real server with the
// real builder (warm package cache), on loopback.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createReadStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../web/server/start.ts";

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

/** Latencies from a separate client process (see scripts/load.ts), sorted. Async: this process serves. */
async function load(url: string, count: number, concurrency: number): Promise<number[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(import.meta.dirname, "load.ts"), url, String(count), String(concurrency)],
    { maxBuffer: 1 << 26 },
  );
  return JSON.parse(stdout) as number[];
}

/** MB/s of the fastest of five reads (the first one warms the page cache). */
async function readSpeed(read: () => Promise<number>): Promise<number> {
  let best = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const bytes = await read();
    best = Math.max(best, bytes / 1e6 / ((performance.now() - t0) / 1000));
  }
  return best;
}

export async function benchWeb(spec: string): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), "brokkr-bench-web-"));
  const server = await startServer({ port: 0, host: "127.0.0.1", dataDir, databaseUrl: undefined, concurrency: 2, ui: false });
  try {
    const base = server.url;
    const created = await fetch(`${base}/api/schematics`, {
      method: "POST",
      headers: { "content-type": "application/yaml" },
      body: readFileSync(spec),
    });
    const { id } = (await created.json()) as { id: string };

    // 20 identical requests at once: single flight should run one build.
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => fetch(`${base}/api/schematics/${id}/builds`, { method: "POST" }).then((r) => r.json())),
    );
    const buildIds = new Set(answers.map((a) => (a as { buildId: string }).buildId));
    const [buildId] = buildIds;
    let status = "queued";
    while (status === "queued" || status === "running") {
      await new Promise((r) => setTimeout(r, 500));
      status = ((await (await fetch(`${base}/api/builds/${buildId}`)).json()) as { status: string }).status;
    }
    if (status !== "succeeded") throw new Error(`the build ${buildId} ${status}`);
    const { builds } = (await (await fetch(`${base}/api/schematics/${id}/builds`)).json()) as { builds: unknown[] };
    const buildCount = builds.length;

    const n = 2000;
    await load(`${base}/pxe/${id}/boot.ipxe`, 200, 10); // warm-up
    const pxe = await load(`${base}/pxe/${id}/boot.ipxe`, n, 100);
    const schem = await load(`${base}/api/schematics/${id}`, n, 100);

    const build = (await (await fetch(`${base}/api/builds/${buildId}`)).json()) as {
      artifacts: { file: string; sha256: string; size: number }[];
    };
    const disk = build.artifacts.find((a) => a.file === "disk.img")!;
    const storePath = join(dataDir, "store", "sha256", disk.sha256.slice(0, 2), disk.sha256);
    // One client process, one download at a time: the best of five, as for the disk read.
    const downloads = await load(`${base}/images/${id}/disk.img`, 5, 1);
    const http = disk.size / 1e6 / (downloads[0]! / 1000);
    const disk0 = await readSpeed(
      () =>
        new Promise<number>((resolve, reject) => {
          let bytes = 0;
          createReadStream(storePath)
            .on("data", (c) => (bytes += c.length))
            .on("end", () => resolve(bytes))
            .on("error", reject);
        }),
    );
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    return `## Image service

Measured by the same \`npm run bench\` (\`scripts/bench-web.ts\`): the real server on 127.0.0.1 with the
real builder (warm package cache), ${n} requests per endpoint from 100 concurrent clients in a
separate process (\`scripts/load.ts\`).

| | measured | target |
|---|---|---|
| \`GET /pxe/<id>/boot.ipxe\` latency p50 / p99 | ${ms(pct(pxe, 50))} / ${ms(pct(pxe, 99))} | p99 < 20 ms |
| \`GET /api/schematics/<id>\` latency p50 / p99 | ${ms(pct(schem, 50))} / ${ms(pct(schem, 99))} | p99 < 20 ms |
| \`GET /images/<id>/disk.img\` (${(disk.size / 1e6).toFixed(1)} MB) vs reading the stored file | ${http.toFixed(0)} MB/s vs ${disk0.toFixed(0)} MB/s (${((100 * http) / disk0).toFixed(0)} %) | ≥ 80 % |
| 20 identical concurrent build requests | ${buildIds.size} build id(s), ${buildCount} build(s) run | one build |
`;
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
