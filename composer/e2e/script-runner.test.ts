// `brokkr boot-test DIR --script FILE --copy-out PATH --out-dir DIR`, end to end: build
// examples/minimal.yaml rootless with the shared package cache, boot it under TCG with the script
// disk, and check the streamed output, the exit status and the file copied back out.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { runCli, sharedCache, userDir } from "./helpers.ts";

const script = `#!/bin/sh
echo "kernel $(uname -r)"
echo "to stderr" >&2
systemctl is-system-running --wait > /tmp/result.txt
exit 3
`;

describe("guest script runner, end to end", { timeout: 30 * 60_000 }, () => {
  const env = { BROKKR_CACHE_DIR: sharedCache() };
  const out = userDir("brokkr-script-out-");
  let release = "";

  before(async () => {
    const r = await runCli(["build", "examples/minimal.yaml", "--out", out], env);
    assert.equal(r.code, 0, `build failed:\n${r.stderr}\n${r.stdout}`);
    release = (JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { kernel: { release: string } }).kernel
      .release;
  });

  test("runs the script as root, streams its output, exits with its status, copies a file out", async () => {
    const work = userDir("brokkr-script-work-");
    const file = join(work, "check.sh");
    writeFileSync(file, script, { mode: 0o644 });
    const copied = join(work, "copied");
    const t0 = performance.now();
    const r = await runCli(
      ["boot-test", out, "--script", file, "--copy-out", "/tmp/result.txt", "--out-dir", copied, "--timeout", "900"],
      // The build ran with only node on PATH; booting needs QEMU from the host's PATH.
      { ...env, PATH: process.env["PATH"] ?? "/usr/bin:/bin" },
    );
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    assert.equal(r.code, 3, `exit status (after ${seconds} s)\nstderr:\n${r.stderr}\nstdout:\n${r.stdout}`);
    assert.equal(r.stdout, `kernel ${release}\nto stderr\n`);
    assert.equal(readFileSync(join(copied, "result.txt"), "utf8"), "running\n");
    assert.match(r.stderr, /script exited with status 3/);
    process.stderr.write(`script run took ${seconds} s\n`);
  });
});
