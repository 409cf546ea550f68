// The real builder: forks build-child.ts (same Node, same environment: BROKKR_CACHE_DIR,
// BROKKR_MIRROR) and relays its progress. Aborting kills the child by its PID.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BrokkrError, type ErrorCode } from "../../../composer/src/errors.ts";
import type { ChildMessage } from "./build-child.ts";
import type { Builder } from "./builder.ts";

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
    const abort = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    };
    signal.addEventListener("abort", abort, { once: true });
    child.once("error", (err) => {
      signal.removeEventListener("abort", abort);
      reject(new BrokkrError("build.crashed", `cannot start the build process: ${err.message}`, { cause: err }));
    });
    child.once("close", (code, sig) => {
      signal.removeEventListener("abort", abort);
      if (result?.type === "done") return resolve({ files: result.files });
      if (result?.type === "error") {
        const { code: errCode, message, hint } = result.error;
        return reject(new BrokkrError(errCode as ErrorCode, message, hint ? { hint } : {}));
      }
      const how = sig ? `was killed by ${sig}` : `exited with code ${code}`;
      reject(
        new BrokkrError("build.crashed", `the build process ${how} before it finished`, {
          hint: signal.aborted ? "the build was cancelled" : stderr.trim().split("\n").slice(-3).join(" | ") || undefined,
        }),
      );
    });
    child.send(job);
  });
