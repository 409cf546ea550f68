// The CLI as a user runs it, for the commands that need no network.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, ["composer/src/cli.ts", ...args], { cwd: repo, encoding: "utf8" });

test("validate accepts the minimal example and prints its schematic ID", () => {
  const r = run("validate", "examples/minimal.yaml");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /valid\nschematic [0-9a-f]{64}\n/);
});

test("validate reports every problem of a bad spec with its path and exits 1", () => {
  const r = run("validate", "composer/src/spec/fixtures/bad.yaml");
  assert.equal(r.status, 1);
  for (const path of ["system.hostname", "colour", "boot.protocol", "ports[1]"]) {
    assert.match(r.stderr, new RegExp(`- ${path.replace(/[[\].]/g, "\\$&")}: `), `mentions ${path}`);
  }
  assert.match(r.stderr, /hint: /);
});

test("a missing spec file is a clear error, not a stack trace", () => {
  const r = run("validate", "no/such/spec.yaml");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot read no\/such\/spec\.yaml/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
});

test("id is stable and catalog list shows every kind", () => {
  const a = run("id", "examples/minimal.yaml").stdout;
  assert.equal(a, run("id", "examples/minimal.yaml").stdout);
  const list = run("catalog", "list");
  assert.equal(list.status, 0, list.stderr);
  for (const kind of ["kernels:", "drivers:", "ports:", "units:"]) assert.ok(list.stdout.includes(kind));
  assert.match(list.stdout, /openssh-server/);
  assert.match(run("catalog", "list", "drivers").stdout, /^drivers:\n(?:.*\n)*\s+virtio/m);
});
