import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { before, test } from "node:test";
import { loadCatalog } from "../catalog/load.ts";
import type { Catalog } from "../catalog/models.ts";
import { BrokkrError } from "../errors.ts";
import { checkSpecText, checkSpecValue } from "./check.ts";

let catalog: Catalog;
before(async () => {
  catalog = await loadCatalog();
});

test("bad.yaml: schema and cross-field problems are all reported at once", async () => {
  const text = await readFile(new URL("fixtures/bad.yaml", import.meta.url), "utf8");
  try {
    checkSpecText(text, "bad.yaml", catalog);
    assert.fail("expected spec.invalid");
  } catch (err) {
    assert.ok(err instanceof BrokkrError);
    assert.equal(err.code, "spec.invalid");
    const byPath = new Map(err.problems.map((p) => [p.path, p]));
    assert.deepEqual([...byPath.keys()].sort(), ["boot.protocol", "colour", "ports[1]", "system.hostname"]);
    assert.match(byPath.get("boot.protocol")!.message, /multiboot2 is defined only for x86_64/);
    assert.match(byPath.get("ports[1]")!.message, /unknown port 'no-such-port'/);
    assert.match(byPath.get("system.hostname")!.message, /RFC 1123.*\(got '-bad-host-'\)/);
    assert.match(byPath.get("colour")!.message, /^unknown field 'colour' \(allowed: name, arch, boot,/);
    assert.equal(err.problems.length, 4);
  }
});

test("a bad item drops its list, so no problem names a shifted index", () => {
  const { spec, problems } = checkSpecValue(
    { name: "a", arch: "x86_64", drivers: ["Bad!", "nope"], ports: ["ngnix"] },
    catalog,
  );
  assert.equal(spec, undefined);
  assert.deepEqual(problems.map((p) => p.path).sort(), ["drivers[0]", "ports[0]"]);
});

test("a bad boot field silences boot rules that would judge its default", () => {
  const { problems } = checkSpecValue(
    { name: "a", arch: "x86_64", boot: { protocol: "grub", firmware: "bios" } },
    catalog,
  );
  assert.deepEqual(
    problems.map((p) => p.path),
    ["boot.protocol"],
  );
});

test("a good spec comes back normalized", async () => {
  const text = "name: a\narch: x86_64\nports: [nginx, curl, nginx]\n";
  assert.deepEqual(checkSpecText(text, "a.yaml", catalog).ports, ["curl", "nginx"]);
});
