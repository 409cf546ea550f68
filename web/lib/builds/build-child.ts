// The child process that runs one composer build for the service. The composer has long
// synchronous steps (index parsing, resolve, compression: up to ~6 s without a break, measured),
// which in the server's own process would stall every download and log stream; here they stall
// nobody. Protocol over the IPC channel: the parent sends one BuildJob; the child sends
// { type: "event" } messages, then one { type: "done", files } or { type: "error", error }.
import { loadCatalog } from "@brokkr/composer";
import { type ErrorJson, errorToJson, formatError, isBrokkrError } from "@brokkr/composer";
import { build } from "@brokkr/composer";
import type { BuildJob } from "./builder.ts";

export type ChildMessage =
  | { type: "event"; event: import("@brokkr/composer").BuildEvent }
  | { type: "done"; files: string[] }
  | { type: "error"; error: ErrorJson };

function send(msg: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(msg, undefined, {}, () => resolve());
  });
}

async function run(job: BuildJob): Promise<void> {
  try {
    const catalog = await loadCatalog();
    const manifest = await build({
      spec: job.spec,
      schematicId: job.schematicId,
      catalog,
      outDir: job.outDir,
      lock: job.lock,
      ...(job.assetsDir ? { assetsDir: job.assetsDir } : {}),
      ...(job.signingKeyFile ? { signingKeyFile: job.signingKeyFile } : {}),
      ...(job.limits ? { limits: { packages: job.limits.packages, installedBytes: job.limits.installedBytes } } : {}),
      onProgress: (event) => void send({ type: "event", event }),
    });
    await send({ type: "done", files: [...Object.keys(manifest.artifacts), "manifest.json", manifest.checksums.file, manifest.checksums.signature] });
  } catch (err) {
    // Our bug, not the build's: the trace goes to the build log (stderr), the parent gets `internal`.
    if (!isBrokkrError(err)) process.stderr.write(`${formatError(err)}\n`);
    await send({ type: "error", error: errorToJson(err) });
  }
  finished = true;
  process.disconnect?.();
}

let finished = false;

process.once("message", (job: BuildJob) => void run(job));
// The server (or worker) that started us is gone: nobody would take our artifacts, so stop.
process.once("disconnect", () => {
  if (!finished) process.exit(1);
});
