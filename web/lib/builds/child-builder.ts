// The real builder: forks build-child.ts (same Node, same environment: BROKKR_CACHE_DIR,
// BROKKR_MIRROR) and relays its progress. Aborting kills the child by its PID.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BrokkrError, errorFromJson } from "@brokkr/composer";
import type { ChildMessage } from "./build-child.ts";
import type { Builder } from "./builder.ts";
import { killTree, watchTreeMemory } from "./process-tree.ts";

const childEntry = fileURLToPath(new URL("./build-child.ts", import.meta.url));

export const childProcessBuilder: Builder = (job, onEvent, signal) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new BrokkrError("build.interrupted", "the build was cancelled before it started"));
    // execArgv: [] — the parent may run under `node --test` or with inspector flags.
    const child = fork(childEntry, [], { execArgv: [], stdio: ["ignore", "pipe", "pipe", "ipc"] });
    let result: ChildMessage | undefined;
    let stderr = "";
    const onLine = (buf: Buffer) => {
      for (const line of buf.toString("utf8").split("\n")) {
        if (line.trim() !== "") onEvent({ kind: "log", message: line });
      }
    };
    child.stdout?.on("data", onLine);
    child.stderr?.on("data", (buf: Buffer) => {
      stderr = (stderr + buf.toString("utf8")).slice(-4000);
      onLine(buf);
    });
    child.on("message", (msg: ChildMessage) => {
      if (msg.type === "event") onEvent(msg.event);
      else result = msg;
    });
    const alive = () => child.exitCode === null && child.signalCode === null;
    const abort = () => {
      if (alive() && child.pid !== undefined) killTree(child.pid);
    };
    signal.addEventListener("abort", abort, { once: true });
    // Limits: past the wall time or the memory of the whole tree, the tree is killed and the
    // build fails with that reason.
    let limitHit: BrokkrError | undefined;
    const limits = job.limits;
    const timer = limits
      ? setTimeout(() => {
          limitHit = new BrokkrError("build.time-limit", `the build took longer than ${limits.seconds} s`, {
            hint: "the server's BROKKR_BUILD_TIMEOUT_SECONDS bounds a build; try a smaller image",
          });
          abort();
        }, limits.seconds * 1000)
      : undefined;
    timer?.unref();
    const watch =
      limits && child.pid !== undefined
        ? watchTreeMemory(child.pid, limits.memoryBytes, (bytes) => {
            limitHit = new BrokkrError("build.memory-limit", `the build used ${(bytes / 2 ** 20).toFixed(0)} MiB; the limit is ${(limits.memoryBytes / 2 ** 20).toFixed(0)} MiB`, {
              hint: "the server's BROKKR_BUILD_MEMORY_MB bounds a build; try a smaller image",
            });
            abort();
          })
        : undefined;
    const stopLimits = () => {
      if (timer) clearTimeout(timer);
      watch?.stop();
    };
    child.once("error", (err) => {
      stopLimits();
      signal.removeEventListener("abort", abort);
      reject(new BrokkrError("build.crashed", `cannot start the build process: ${err.message}`, { cause: err }));
    });
    child.once("close", (code, sig) => {
      stopLimits();
      signal.removeEventListener("abort", abort);
      if (limitHit) return reject(limitHit);
      if (result?.type === "done") return resolve({ files: result.files });
      if (result?.type === "error") return reject(errorFromJson(result.error));
      const how = sig ? `was killed by ${sig}` : `exited with code ${code}`;
      reject(
        new BrokkrError("build.crashed", `the build process ${how} before it finished`, {
          hint: signal.aborted ? "the build was cancelled" : stderr.trim().split("\n").slice(-3).join(" | ") || undefined,
        }),
      );
    });
    child.send(job);
  });
