// A client of the README's HTTP API, for the fresh-machine check: waits until the server serves
// the configurator, posts a spec, starts a build, polls it, downloads disk.img and checks its
// sha256 and size against the build record. Written against the README, not the server's code.
//   node scripts/build-through-api.ts URL SPEC OUT [--pid PID] [--wait-seconds N]
// --pid: stop waiting as soon as that process (the server's launcher) is gone.
import { createHash } from "node:crypto";
import { createWriteStream, readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";

interface Artifact {
  file: string;
  sha256: string;
  size: number;
}

interface Build {
  status: "queued" | "running" | "succeeded" | "failed";
  artifacts: Artifact[];
  error: unknown;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits for GET / to answer 200 with HTML: the configurator is built and served. */
async function waitForConfigurator(base: string, pid: number | undefined, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (!alive(pid))
      throw new Error(`the server's process ${pid} ended before the configurator answered (${last})`);
    try {
      const res = await fetch(`${base}/`, { signal: AbortSignal.timeout(10_000) });
      const type = res.headers.get("content-type") ?? "";
      await res.arrayBuffer();
      if (res.status === 200 && type.startsWith("text/html")) return;
      last = `GET / gave ${res.status} ${type}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(2000);
  }
  throw new Error(`no configurator on ${base} after ${seconds} s (${last})`);
}

async function json<T>(res: Response, what: string, expected: number): Promise<T> {
  const text = await res.text();
  if (res.status !== expected)
    throw new Error(`${what}: HTTP ${res.status} (expected ${expected}): ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

async function buildSpec(
  base: string,
  specFile: string,
  pid: number | undefined,
): Promise<{ buildId: string; build: Build }> {
  const posted = await fetch(`${base}/api/schematics`, {
    method: "POST",
    headers: { "content-type": "application/yaml" },
    body: readFileSync(specFile),
  });
  const { id } = await json<{ id: string }>(posted, "POST /api/schematics", 201);
  console.log(`api: schematic ${id}`);
  const started = await fetch(`${base}/api/schematics/${id}/builds`, { method: "POST" });
  const { buildId } = await json<{ buildId: string }>(started, `POST /api/schematics/${id}/builds`, 202);
  console.log(`api: build ${buildId}`);
  let seen = "";
  for (;;) {
    if (!alive(pid)) throw new Error(`the server's process ${pid} ended during build ${buildId}`);
    const build = await json<Build>(
      await fetch(`${base}/api/builds/${buildId}`),
      `GET /api/builds/${buildId}`,
      200,
    );
    if (build.status !== seen) console.log(`api: build ${build.status}`);
    seen = build.status;
    if (build.status === "succeeded") return { buildId, build };
    if (build.status === "failed") throw new Error(`build ${buildId} failed: ${JSON.stringify(build.error)}`);
    await sleep(2000);
  }
}

/** Downloads an artifact, hashing it on the way, and checks hash, size and the GPT header. */
async function downloadDisk(base: string, buildId: string, build: Build, out: string): Promise<Artifact> {
  const record = build.artifacts.find((a) => a.file === "disk.img");
  if (!record)
    throw new Error(
      `build ${buildId} succeeded without a disk.img: ${build.artifacts.map((a) => a.file).join(", ")}`,
    );
  const res = await fetch(`${base}/api/builds/${buildId}/disk.img`);
  if (res.status !== 200 || !res.body)
    throw new Error(`GET /api/builds/${buildId}/disk.img: HTTP ${res.status}`);
  const hash = createHash("sha256");
  let size = 0;
  const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>);
  body.on("data", (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
  });
  await pipeline(body, createWriteStream(out));
  const sha256 = hash.digest("hex");
  if (sha256 !== record.sha256 || size !== record.size) {
    throw new Error(
      `disk.img: got sha256 ${sha256} (${size} bytes), the build record says ${record.sha256} (${record.size})`,
    );
  }
  const header = Buffer.alloc(8);
  const fh = await open(out);
  await fh.read(header, 0, 8, 512);
  await fh.close();
  if (header.toString("latin1") !== "EFI PART") throw new Error("disk.img has no GPT header at LBA 1");
  return record;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { pid: { type: "string" }, "wait-seconds": { type: "string", default: "1800" } },
  });
  const [base, spec, out] = positionals;
  if (!base || !spec || !out)
    throw new Error("usage: node scripts/build-through-api.ts URL SPEC OUT [--pid PID] [--wait-seconds N]");
  const pid = values.pid === undefined ? undefined : Number(values.pid);
  const t0 = performance.now();
  await waitForConfigurator(base, pid, Number(values["wait-seconds"]));
  const t1 = performance.now();
  console.log(`api: configurator answers on ${base} after ${((t1 - t0) / 1000).toFixed(0)} s`);
  const { buildId, build } = await buildSpec(base, spec, pid);
  const disk = await downloadDisk(base, buildId, build, out);
  const t2 = performance.now();
  console.log(`api: disk.img ${disk.size} bytes, sha256 ${disk.sha256} matches the build record`);
  console.log(`api: build + download took ${((t2 - t1) / 1000).toFixed(0)} s`);
}

main().catch((err: Error) => {
  console.error(`api: FAILED: ${err.message}`);
  process.exit(1);
});
