// Hostile documents: alias bombs, deep nesting, huge lists. Each gets a clean spec error, fast.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { type Catalog, loadCatalog } from "../catalog/index.ts";
import { BrokkrError } from "../errors.ts";
import { checkSpecValue } from "./check.ts";
import { LIMITS } from "./limits.ts";
import { parseYamlText } from "./parse.ts";

let catalog: Catalog;
before(async () => {
  catalog = await loadCatalog();
});

function parseError(text: string): BrokkrError {
  try {
    parseYamlText(text, "t.yaml");
  } catch (err) {
    assert.ok(err instanceof BrokkrError, `not a BrokkrError: ${err}`);
    assert.equal(err.code, "spec.parse");
    return err;
  }
  assert.fail("expected spec.parse");
}

test("an alias bomb is refused at the first anchor, before anything expands (the lexer finds it)", () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 1500; i++) lines.push(`a${i}: &a${i} [${Array(99).fill(`*a${i > 1 ? i - 1 : ""}`).join(",")}]`);
  const err = parseError(lines.join("\n"));
  assert.match(err.message, /^t\.yaml:1:\d+: YAML anchors \(&name\) are not allowed/);
});

test("a lone alias is refused too, with its position", () => {
  assert.match(parseError("name: x\narch: *nowhere\n").message, /t\.yaml:2:\d+: YAML aliases/);
});

test("deep nesting is a parse error, not a crash", () => {
  const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
  assert.match(parseError(deep).message, /nested/);
  const moderate = `${"[".repeat(200)}${"]".repeat(200)}`;
  assert.match(parseError(moderate).message, /nested more than 32 levels/);
});

test("a spec over the size limit is refused before parsing", () => {
  assert.match(parseError(`name: ${"a".repeat(LIMITS.specBytes)}`).message, /at most 1048576 are read/);
});

test("a deep JSON value is one problem, not a stack overflow", () => {
  let v: unknown = 1;
  for (let i = 0; i < 100_000; i++) v = [v];
  const { problems } = checkSpecValue({ name: "a", arch: "x86_64", ports: v }, catalog);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!.message, /nested more than/);
});

test("lists over their maximum are refused with the limit", () => {
  const { problems } = checkSpecValue({ name: "a", arch: "x86_64", packages: Array(LIMITS.packages + 1).fill("bash") }, catalog);
  assert.ok(problems.some((p) => p.path === "packages" && /1000/.test(p.message)), JSON.stringify(problems));
});

test("the largest allowed spec of unknown ids answers a bounded list of problems", () => {
  const ids = Array.from({ length: LIMITS.ports }, (_, i) => `no-such-port-${i}`);
  const { problems } = checkSpecValue({ name: "a", arch: "x86_64", ports: ids, drivers: ids.slice(0, LIMITS.drivers) }, catalog);
  assert.equal(problems.length, LIMITS.problems + 1);
  assert.match(problems.at(-1)!.message, /^\d+ more problem\(s\) not shown$/);
});

test("kernel arguments longer than the architecture's command line are refused", () => {
  const arg = `x=${"a".repeat(250)}`;
  const { problems } = checkSpecValue({ name: "a", arch: "riscv64", boot: { cmdline: Array(4).fill(arg) } }, catalog);
  assert.ok(problems.some((p) => p.path === "boot.cmdline" && /leaves room for 768/.test(p.message)), JSON.stringify(problems));
});
