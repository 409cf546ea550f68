import assert from "node:assert/strict";
import { test } from "node:test";
import { BrokkrError } from "../errors.ts";
import { parseSpecText } from "./parse.ts";

function problemsOf(text: string) {
  try {
    parseSpecText(text, "t.yaml");
  } catch (err) {
    assert.ok(err instanceof BrokkrError);
    assert.equal(err.code, "spec.invalid");
    return err.problems;
  }
  assert.fail("expected spec.invalid");
}

test("a valid spec parses with defaults and keeps the written order", () => {
  const spec = parseSpecText("name: a\narch: aarch64\ndrivers: [virtio, nvme]\n", "t.yaml");
  assert.equal(spec.arch, "aarch64");
  assert.deepEqual(spec.drivers, ["virtio", "nvme"]);
  assert.equal(spec.system.hostname, "brokkr");
});

test("a YAML error names file, line and column", () => {
  try {
    parseSpecText("name: a\narch: x86_64\nports: [a, b\n", "broken.yaml");
    assert.fail("expected spec.parse");
  } catch (err) {
    assert.ok(err instanceof BrokkrError);
    assert.equal(err.code, "spec.parse");
    assert.match(err.message, /^broken\.yaml:\d+:\d+: /);
    assert.equal(err.details?.["file"], "broken.yaml");
    assert.equal(typeof err.details?.["line"], "number");
  }
});

test("a duplicate key is a YAML error on its line", () => {
  try {
    parseSpecText("name: a\narch: x86_64\nname: b\n", "dup.yaml");
    assert.fail("expected spec.parse");
  } catch (err) {
    assert.ok(err instanceof BrokkrError);
    assert.equal(err.code, "spec.parse");
    assert.equal(err.details?.["line"], 3);
  }
});

test("every schema problem is reported at once, each with a dotted path", () => {
  const problems = problemsOf(
    [
      "name: a",
      "arch: sparc",
      "boot: { protocol: grub }",
      "system:",
      "  users:",
      "    - name: Admin",
      "      colour: red",
    ].join("\n"),
  );
  const byPath = new Map(problems.map((p) => [p.path, p]));
  assert.match(
    byPath.get("arch")?.message ?? "",
    /^must be one of 'x86_64', 'aarch64' or 'riscv64' \(got 'sparc'\)$/,
  );
  assert.match(byPath.get("boot.protocol")?.message ?? "", /must be one of 'uefi', 'limine' or 'multiboot2'/);
  assert.match(byPath.get("system.users[0].name")?.message ?? "", /login name.*\(got 'Admin'\)/);
  assert.match(
    byPath.get("system.users[0].colour")?.message ?? "",
    /^unknown field 'colour' \(allowed: name, groups, sshAuthorizedKeys, passwordHash, shell\)$/,
  );
  assert.equal(problems.length, 4);
});

test("an unknown field close to a real one gets a did-you-mean hint", () => {
  const [p] = problemsOf("name: a\narch: x86_64\ndrviers: [virtio]\n");
  assert.equal(p?.path, "drviers");
  assert.equal(p?.hint, "did you mean 'drivers'?");
});

test("wrong types and missing fields read as sentences", () => {
  const problems = problemsOf("arch: x86_64\nports: openssh-server\noutputs: []\n");
  const byPath = new Map(problems.map((p) => [p.path, p.message]));
  assert.equal(byPath.get("name"), "is required");
  assert.equal(byPath.get("ports"), "must be a list (got 'openssh-server')");
  assert.equal(byPath.get("outputs"), "must not be empty: list at least one");
});

test("an empty file is not a spec", () => {
  const [p] = problemsOf("");
  assert.equal(p?.path, "");
  assert.match(p?.message ?? "", /must be a mapping/);
});
