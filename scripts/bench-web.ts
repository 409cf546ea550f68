// The image service's figures for `npm run bench`: lookups under load, download speed against
// a plain disk read, and single flight for identical build requests. A real server with the
// real builder (warm package cache), on loopback.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { defaultLimits } from "../web/lib/service/limits.ts";
import { startServer } from "../web/server/start.ts";

const run = promisify(execFile);
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

interface Latency {
  p50: number;
  p99: number;
  requests: number;
}

// wrk's summary as one JSON line; an answer that is not 2xx/3xx, or a socket error, counts.
const wrkReport = `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\n{"requests":%d,"errors":%d,"p50":%.3f,"p99":%.3f}\\n', summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
`;

function onPath(cmd: string): boolean {
  return (process.env["PATH"] ?? "").split(":").some((d) => d !== "" && existsSync(join(d, cmd)));
}

/**
 * GET `url` from 100 keep-alive connections, each asking again as soon as it has its answer, for
 * `seconds`. The load comes from wrk (C) with one thread, so the client takes at most one of the
 * machine's two cores, and little of it: the Node client (scripts/load.ts, the fallback when wrk
 * is missing) spent more CPU per request than the server it measured, and its own queueing was
 * most of the old figures (cpu profiles, 2026-11-25).
 */
export async function latency(url: string, seconds: number, scriptDir: string): Promise<Latency> {
  if (!onPath("wrk")) {
    const { stdout } = await run(process.execPath, [join(import.meta.dirname, "load.ts"), url, "2000", "100"], { maxBuffer: 1 << 26 });
    const xs = JSON.parse(stdout) as number[];
    return { p50: pct(xs, 50), p99: pct(xs, 99), requests: xs.length };
  }
  const script = join(scriptDir, "wrk-report.lua");
  writeFileSync(script, wrkReport);
  const { stdout } = await run("wrk", ["-t1", "-c100", `-d${seconds}s`, "-s", script, url]);
  const line = stdout.split("\n").findLast((l) => l.startsWith("{"));
  if (!line) throw new Error(`wrk printed no report:\n${stdout}`);
  const r = JSON.parse(line) as Latency & { errors: number };
  if (r.errors > 0) throw new Error(`${url}: ${r.errors} failed requests under load\n${stdout}`);
  return r;
}

/** MB/s of the fastest of five transfers of `url` by curl, written to /dev/null. */
async function curlSpeed(url: string): Promise<number> {
  let best = 0;
  for (let i = 0; i < 5; i++) {
    const { stdout } = await run("curl", ["-sSf", "-o", "/dev/null", "-w", "%{size_download} %{time_total}", url]);
    const [bytes, secs] = stdout.trim().split(" ").map(Number) as [number, number];
    best = Math.max(best, bytes / 1e6 / secs);
  }
  return best;
}

/**
 * MB/s of reading the file from the disk itself: dd with O_DIRECT, so the page cache (which makes
 * a "read" a memory copy) is bypassed. Fastest of five. The store's file is not sparse.
 */
async function directReadSpeed(path: string): Promise<number> {
  let best = 0;
  for (let i = 0; i < 5; i++) {
    const { stderr } = await run("dd", [`if=${path}`, "of=/dev/null", "bs=4M", "iflag=direct"]);
    const m = /(\d+) bytes .* copied, ([\d.]+) s/.exec(stderr);
    if (!m) throw new Error(`cannot read dd's figures: ${stderr}`);
    best = Math.max(best, Number(m[1]) / 1e6 / Number(m[2]));
  }
  return best;
}

/** The same bytes from memory through a bare Node server: what loopback TCP allows Node at best. */
async function memorySpeed(path: string): Promise<number> {
  const data = readFileSync(path);
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-length": data.length });
    res.end(data);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    return await curlSpeed(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

export async function benchWeb(spec: string): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), "brokkr-bench-web-"));
  // Every client here is 127.0.0.1: lift the per-address connection limit over wrk's 100.
  const limits = { ...defaultLimits, connectionsPerClient: 10_000 };
  const server = await startServer({ port: 0, host: "127.0.0.1", dataDir, databaseUrl: undefined, buildConcurrency: 2, ui: false, limits });
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

    const seconds = 5;
    const generator = onPath("wrk") ? `wrk (one thread) for ${seconds} s each` : "scripts/load.ts (wrk is not installed)";
    await latency(`${base}/pxe/${id}/boot.ipxe`, 1, dataDir); // warm-up
    const pxe = await latency(`${base}/pxe/${id}/boot.ipxe`, seconds, dataDir);
    const schem = await latency(`${base}/api/schematics/${id}`, seconds, dataDir);

    const build = (await (await fetch(`${base}/api/builds/${buildId}`)).json()) as {
      artifacts: { file: string; sha256: string; size: number }[];
    };
    const disk = build.artifacts.find((a) => a.file === "disk.img")!;
    const storePath = join(dataDir, "store", "sha256", disk.sha256.slice(0, 2), disk.sha256);
    if (!onPath("curl")) throw new Error("the download figures need curl: bash scripts/setup.sh installs it");
    // One client for both sides, and a C one: Node's fetch (and node:http) read a socket at about
    // 400 MB/s here, slower than this server sends, so they measured themselves.
    const http = await curlSpeed(`${base}/images/${id}/disk.img`);
    const disk0 = await curlSpeed(pathToFileURL(storePath).href);
    const ceiling = await memorySpeed(storePath);
    const direct = await directReadSpeed(storePath);
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    const mbs = (x: number) => `${x.toFixed(0)} MB/s`;
    return `## Image service

Measured by the same \`npm run bench\` (\`scripts/bench-web.ts\`): the real server on 127.0.0.1 with the
real builder (warm package cache). Lookups: 100 keep-alive connections, each asking again as soon as
it has its answer, from a separate process: ${generator} (${pxe.requests} and ${schem.requests} requests).
Downloads: curl, the fastest of five, from the server and from the stored file itself.

| | measured | target |
|---|---|---|
| \`GET /pxe/<id>/boot.ipxe\` latency p50 / p99 | ${ms(pxe.p50)} / ${ms(pxe.p99)} | p99 < 20 ms |
| \`GET /api/schematics/<id>\` latency p50 / p99 | ${ms(schem.p50)} / ${ms(schem.p99)} | p99 < 20 ms |
| \`GET /images/<id>/disk.img\` (${(disk.size / 1e6).toFixed(1)} MB) vs \`curl file://\` of the stored file | ${mbs(http)} vs ${mbs(disk0)} (${((100 * http) / disk0).toFixed(0)} %) | ≥ 80 % |
| the same download vs reading the stored file from the disk (\`dd iflag=direct\`, no page cache) | ${mbs(http)} vs ${mbs(direct)} (${((100 * http) / direct).toFixed(0)} %) | ≥ 80 % |
| the same bytes from memory, bare Node server (loopback ceiling) | ${mbs(ceiling)}; the server reaches ${((100 * http) / ceiling).toFixed(0)} % of it | |
| 20 identical concurrent build requests | ${buildIds.size} build id(s), ${buildCount} build(s) run | one build |
`;
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
