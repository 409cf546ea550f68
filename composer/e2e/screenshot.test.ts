// `brokkr boot-test DIR --screenshot FILE.png`, end to end: build examples/minimal.yaml, boot it
// under TCG with a display, and check the picture of tty1's login prompt (about 40-60 s here).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { classifyScreen } from "../src/qemu/screen-check.ts";
import { runCli, sharedCache, userDir } from "./helpers.ts";

describe("boot-test --screenshot, end to end", { timeout: 20 * 60_000 }, () => {
  const env = { BROKKR_CACHE_DIR: sharedCache() };
  const out = userDir("brokkr-shot-out-");
  const withQemu = { ...env, PATH: process.env["PATH"] ?? "/usr/bin:/bin" };

  before(async () => {
    const r = await runCli(["build", "examples/minimal.yaml", "--out", out], env);
    assert.equal(r.code, 0, `build failed:\n${r.stderr}\n${r.stdout}`);
  });

  test("--screenshot-after without --screenshot is a usage error", async () => {
    const r = await runCli(["boot-test", out, "--screenshot-after", "login:"], withQemu);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /--screenshot-after needs --screenshot/);
  });

  test("writes a PNG of the login console once login: appeared, and says its size", async () => {
    const file = join(userDir("brokkr-shot-"), "screen.png");
    const t0 = performance.now();
    const r = await runCli(["boot-test", out, "--screenshot", file, "--timeout", "600"], withQemu);
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    assert.equal(r.code, 0, `boot-test failed after ${seconds} s:\n${r.stderr.slice(-3000)}\n${r.stdout}`);
    assert.ok(existsSync(file));
    assert.match(r.stdout, /screen\.png {2}\d+x\d+ {2}\d+ bytes/);
    const v = await classifyScreen(file);
    assert.equal(v.kind, "text-console", `${v.reason} ${JSON.stringify(v.stats)}`);
    process.stdout.write(`# screenshot boot-test took ${seconds} s\n`);
  });
});
