// Helpers for the format tests: run an independent reader and fail clearly if it is missing.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

export interface RunResult {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

export function runTool(cmd: string, args: string[]): RunResult {
  const r = spawnSync(cmd, args, {
    env: { ...process.env, MTOOLS_SKIP_CHECK: "1", LC_ALL: "C.UTF-8" },
    maxBuffer: 1024 * 1024 * 1024,
  });
  if (r.error) assert.fail(`${cmd} not runnable: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

// fsck.fat -n exits 0 even when it finds problems, so every line of its report must be one of
// the informational lines it prints for a clean volume.
const FSCK_CLEAN_LINES = [
  /^fsck\.fat \d/,
  /^Checking (we can access|for unused clusters|free cluster summary)/,
  /^Boot sector contents:$/,
  /^System ID "/,
  /^Media byte 0x/,
  /^\s*\d+ (bytes per (logical sector|cluster|FAT)|reserved sectors|FATs, 32 bit entries|data clusters|hidden sectors|sectors total|sectors\/track)/,
  /^First FAT starts at byte \d+/,
  /^Root directory start at cluster \d+/,
  /^Data area starts at byte \d+/,
  /: \d+ files, \d+\/\d+ clusters$/,
];

/** fsck.fat in check-only mode must pass without a complaint; returns its verbose report. */
export function checkFat(path: string): string {
  const r = runTool("fsck.fat", ["-n", "-v", path]);
  const out = r.stdout.toString();
  assert.equal(r.status, 0, out + r.stderr);
  const odd = out.split("\n").filter((l) => l !== "" && !FSCK_CLEAN_LINES.some((re) => re.test(l)));
  assert.deepEqual(odd, [], `fsck.fat complained:\n${out}`);
  return out;
}
