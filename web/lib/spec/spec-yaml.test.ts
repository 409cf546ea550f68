import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { parseSpecText } from "@brokkr/composer";
import { schematicId } from "@brokkr/composer";
import { compactSpec, specToYaml, yamlToSpec } from "./spec-yaml.ts";

const root = join(import.meta.dirname, "../../..");

test("the YAML round-trips to the same schematic ID for every example", async () => {
  for (const name of ["minimal", "webserver", "aarch64", "xen"]) {
    const spec = parseSpecText(await readFile(join(root, "examples", `${name}.yaml`), "utf8"), name);
    const back = yamlToSpec(specToYaml(spec));
    assert.ok(back.ok, name);
    assert.equal(schematicId(back.spec), schematicId(spec), name);
  }
});

test("defaults are left out, users included; short word lists go on one line", () => {
  const spec = parseSpecText(
    "name: a\narch: x86_64\nports: [nginx, curl]\nsystem:\n  hostname: h1\n  users:\n    - name: bob\n",
    "t",
  );
  assert.deepEqual(compactSpec(spec), {
    name: "a",
    arch: "x86_64",
    ports: ["nginx", "curl"],
    system: { hostname: "h1", users: [{ name: "bob" }] },
  });
  assert.equal(
    specToYaml(spec),
    "name: a\narch: x86_64\nports: [nginx, curl]\nsystem:\n  hostname: h1\n  users:\n    - name: bob\n",
  );
});

test("YAML the schema rejects loads nothing and names the field", () => {
  const result = yamlToSpec("name: a\narch: sparc\n");
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.problems.some((p) => p.path === "arch"));
  const broken = yamlToSpec("name: [\n");
  assert.ok(!broken.ok && /pasted YAML:\d+:\d+/.test(broken.problems[0]?.message ?? ""));
});

test("branding.splash shows in the YAML and reads back; without it the YAML has no branding", () => {
  const splash = "5e".repeat(32);
  const spec = parseSpecText(`name: logo\narch: x86_64\nbranding: { splash: ${splash} }\n`, "test.yaml");
  const yaml = specToYaml(spec);
  assert.match(yaml, new RegExp(`^branding:\\n  splash: ${splash}$`, "m"));
  const back = yamlToSpec(yaml);
  assert.ok(back.ok);
  assert.equal(back.spec.branding?.splash, splash);
  assert.equal(schematicId(back.spec), schematicId(spec));
  const { branding: _b, ...plain } = spec;
  assert.doesNotMatch(specToYaml(plain), /branding/);
});

test("a spec with an invalid name or arch still compacts and prints (the form shows it while typed)", () => {
  const spec = parseSpecText("name: a\narch: x86_64\n", "t");
  for (const name of ["A", "has space", "", "-x", "🦀", "a".repeat(10_000)]) {
    assert.equal(compactSpec({ ...spec, name }).name, name);
    assert.match(specToYaml({ ...spec, name, arch: "sparc" as "x86_64" }), /arch: sparc/);
  }
});
