// The CLI as a user runs it, for the commands that need no network.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

test("matrix prints every cell with its verdict, and --json the same cells as data", () => {
  const r = run("matrix");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^riscv64 +uefi +uefi +linux +valid +builds: UKI as \\EFI\\BOOT\\BOOTRISCV64\.EFI$/m);
  assert.match(r.stdout, /^x86_64 +limine +bios +linux +valid +builds: Limine stage 1 in the MBR/m);
  assert.match(r.stdout, /^riscv64 +limine +uefi +linux +valid +builds: Limine \(BROKKR_LIMINE_DIR\) as \\EFI\\BOOT\\BOOTRISCV64\.EFI/m);
  assert.match(r.stdout, /^x86_64 +multiboot2 +bios +xen +valid +builds: GRUB boot\.img in the MBR/m);
  assert.match(r.stdout, /^9 of 18 cells valid; 9 build today, 0 not yet implemented$/m);
  const cells = JSON.parse(run("matrix", "--json").stdout) as { problems: unknown[] }[];
  assert.equal(cells.length, 18);
  assert.equal(cells.filter((c) => c.problems.length === 0).length, 9);
});

test("build refuses a valid spec it cannot write yet, before any download", () => {
  const dir = mkdtempSync(join(tmpdir(), "brokkr-cli-"));
  const file = join(dir, "xen-root-partition.yaml");
  writeFileSync(
    file,
    readFileSync(join(repo, "examples/xen.yaml"), "utf8").replace("outputs: [disk]", "outputs: [disk]\nrootfs:\n  layout: partition"),
  );
  const r = run("build", file, "--out", "/nonexistent/never-written");
  rmSync(dir, { recursive: true, force: true });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^error\[boot\.not-implemented\]: .*rootfs\.layout partition with boot\.protocol multiboot2 is not yet implemented/m);
  assert.match(r.stderr, /hint: `brokkr matrix` lists what builds today/);
});
