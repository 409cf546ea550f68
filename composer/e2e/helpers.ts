// Shared by the end-to-end tests: run the CLI as an unprivileged user whose PATH holds only
// `node`, so the build cannot call mkfs, mtools, sgdisk, objcopy, cpio, xz or zstd.
import { spawn } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getSettings } from "../src/settings/index.ts";

export const repo = fileURLToPath(new URL("../..", import.meta.url));
export const cli = join(repo, "composer/src/cli.ts");
const nobody = 65534;
export const isRoot = process.getuid?.() === 0;

// This lab's mirror serves a sid InRelease whose Valid-Until has passed (docs/lab-notes.md), and
// the riscv64 cells build from sid. These tests are about builds and boots, not freshness
// (feeds/debian/release-freshness.test.ts is): allow an expired Release here, unless the caller
// says otherwise (BROKKR_ALLOW_EXPIRED_RELEASE=0 to see it fail closed).
process.env["BROKKR_ALLOW_EXPIRED_RELEASE"] ??= "1";

/** A directory the unprivileged build user may write. */
export function userDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  if (isRoot) chownSync(dir, nobody, nobody);
  return dir;
}

/** The package cache shared by e2e runs (and CI runs on one machine): only packages, never images. */
export function sharedCache(): string {
  const dir = getSettings().e2eCache ?? join(tmpdir(), "brokkr-e2e-cache");
  mkdirSync(dir, { recursive: true });
  if (isRoot) chownSync(dir, nobody, nobody);
  return dir;
}

/**
 * The trust state beside the shared cache (its sealing key and newest Release dates): with a
 * fresh HOME per run, a new key each time would make every cached derived entry useless.
 */
export function sharedState(): string {
  const dir = getSettings().e2eState ?? join(tmpdir(), "brokkr-e2e-state");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (isRoot) chownSync(dir, nobody, nobody);
  return dir;
}

let nodeOnlyBin: string | undefined;
function nodeOnlyPath(): string {
  if (!nodeOnlyBin) {
    nodeOnlyBin = mkdtempSync(join(tmpdir(), "brokkr-path-"));
    chmodSync(nodeOnlyBin, 0o755);
    symlinkSync(process.execPath, join(nodeOnlyBin, "node"));
  }
  return nodeOnlyBin;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node cli.ts ARGS` as nobody (when we are root) with PATH = a dir holding only node. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const home = userDir("brokkr-home-");
  const mirror = getSettings().mirror;
  const fullEnv: Record<string, string> = {
    PATH: nodeOnlyPath(),
    HOME: home,
    BROKKR_STATE_DIR: sharedState(),
    BROKKR_ALLOW_EXPIRED_RELEASE: getSettings().allowExpiredRelease ? "1" : "0",
    CI: "true",
    ...(mirror ? { BROKKR_MIRROR: mirror } : {}),
    ...env,
  };
  const uid = isRoot ? nobody : undefined;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: repo,
      env: fullEnv,
      uid,
      gid: uid,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
