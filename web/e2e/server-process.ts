// For end-to-end tests: the real server (`node web/server/main.ts`) in its own process, as an
// unprivileged user when we are root, on 127.0.0.1 with the shared package cache, stopped by PID.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { isRoot, repo, sharedCache, sharedState, userDir } from "../../composer/e2e/helpers.ts";
import { trackChild } from "@brokkr/composer";
import { getSettings } from "@brokkr/composer";
import { freePort } from "../lib/db/test-postgres.ts";

const nobody = 65534;

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** Everything the server printed so far. */
  output(): string;
}

/** Starts a server on `dataDir` (a fresh one by default) and waits until it listens. */
export async function spawnServer(opts: { dataDir?: string; home?: string; port?: number } = {}): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const mirror = getSettings().mirror;
  const env: Record<string, string> = {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: opts.home ?? userDir("brokkr-server-home-"),
    PORT: String(port),
    HOST: "127.0.0.1", // QEMU's user network reaches the host's loopback as 10.0.2.2
    BROKKR_DATA_DIR: opts.dataDir ?? join(userDir("brokkr-server-data-"), "data"),
    BROKKR_CACHE_DIR: sharedCache(),
    BROKKR_STATE_DIR: sharedState(),
    BROKKR_UI: "off",
    CI: "true",
    ...(mirror ? { BROKKR_MIRROR: mirror } : {}),
  };
  const child = spawn(process.execPath, [join(repo, "web/server/main.ts")], {
    cwd: repo,
    env,
    uid: isRoot ? nobody : undefined,
    gid: isRoot ? nobody : undefined,
    stdio: ["ignore", "pipe", "pipe"],
  });
  trackChild(child); // killed by PID if this test process dies first
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 120_000;
  while (!output.includes("listening on")) {
    if (child.exitCode !== null) throw new Error(`the server exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the server did not start within 120 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url: `http://127.0.0.1:${port}`, port, output: () => output };
}
