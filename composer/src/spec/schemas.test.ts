// The schema-driven check: the generated JSON Schemas are current, compile in Ajv's strict mode,
// and judge every catalog file and example exactly as zod does.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import type { z } from "zod";
import { getSettings } from "../settings/index.ts";
import { findDrift, schemaFiles, schemasDir } from "./write-schemas.ts";

const repoRoot = getSettings().root;

async function compile(file: string) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(await readFile(join(schemasDir, file), "utf8")));
}

async function yamlFiles(dir: string, depth: number): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory() && depth > 0) out.push(...(await yamlFiles(path, depth - 1)));
    else if (e.isFile() && e.name.endsWith(".yaml")) out.push(path);
  }
  return out.sort();
}

const documents: Array<{ schemaFile: string; files: () => Promise<string[]>; min: number }> = [
  { schemaFile: "image-spec.schema.json", files: () => yamlFiles(join(repoRoot, "examples"), 0), min: 3 },
  { schemaFile: "kernel.schema.json", files: () => yamlFiles(join(repoRoot, "kernel"), 0), min: 2 },
  { schemaFile: "driver.schema.json", files: () => yamlFiles(join(repoRoot, "drivers"), 0), min: 8 },
  { schemaFile: "port.schema.json", files: () => yamlFiles(join(repoRoot, "ports"), 1), min: 30 },
  {
    schemaFile: "unit.schema.json",
    files: async () =>
      (await yamlFiles(join(repoRoot, "systemd-units"), 1)).filter((f) => f.endsWith("unit.yaml")),
    min: 4,
  },
];

test("schemas/ matches the zod models (run `npm run schemas` after changing a model)", async () => {
  assert.deepEqual(await findDrift(), []);
});

test("every schema compiles with Ajv2020 in strict mode", async () => {
  for (const file of Object.keys(schemaFiles)) {
    const validate = await compile(file);
    assert.equal(typeof validate, "function", file);
  }
});

for (const { schemaFile, files, min } of documents) {
  test(`ajv and zod both accept every file checked by ${schemaFile}`, async () => {
    const validate = await compile(schemaFile);
    const zodSchema = schemaFiles[schemaFile]!;
    const list = await files();
    assert.ok(list.length >= min, `${schemaFile}: only ${list.length} files`);
    for (const file of list) {
      const doc: unknown = parse(await readFile(file, "utf8"));
      const ok = validate(doc);
      assert.equal(ok, true, `${file}: ${JSON.stringify(validate.errors)}`);
      assert.equal(zodSchema.safeParse(doc).success, true, file);
    }
  });
}

test("ajv and zod agree on broken documents too", async () => {
  const cases: Array<[string, unknown]> = [
    ["image-spec.schema.json", parse(await readFile(new URL("fixtures/bad.yaml", import.meta.url), "utf8"))],
    ["image-spec.schema.json", { name: "a" }],
    ["image-spec.schema.json", { name: "a", arch: "x86_64", outputs: [] }],
    ["image-spec.schema.json", { name: "a", arch: "x86_64", system: { rootPassword: "plain" } }],
    ["image-spec.schema.json", { name: "a", arch: "x86_64", boot: { cmdline: ["a b"] } }],
    ["image-spec.schema.json", { name: "a", arch: "x86_64", units: { enable: ["x y"] } }],
    ["image-spec.schema.json", { name: "a", arch: "x86_64", system: { users: [{ name: "ok" }] } }],
    ["driver.schema.json", { description: "d", hardware: "h", modules: [], arches: {} }],
    [
      "driver.schema.json",
      {
        description: "d",
        hardware: "h",
        modules: ["a"],
        arches: { x86_64: { supported: false }, aarch64: { supported: true }, riscv64: { supported: true } },
      },
    ],
    ["port.schema.json", { description: "d", packages: [] }],
    ["port.schema.json", { description: "d", packages: ["vim"], arches: ["arm64"] }],
    ["port.schema.json", { description: "d", packages: ["vim"], units: { enable: ["vim"] } }],
    [
      "kernel.schema.json",
      {
        description: "d",
        arches: { x86_64: { packagePattern: "linux", imagePath: "b", protocols: ["uefi"] } },
      },
    ],
    ["unit.schema.json", { description: "d", files: [{ path: "a/b", install: "/x" }] }],
  ];
  let rejected = 0;
  for (const [schemaFile, doc] of cases) {
    const validate = await compile(schemaFile);
    const zodSchema: z.ZodType = schemaFiles[schemaFile]!;
    const zodOk = zodSchema.safeParse(doc).success;
    assert.equal(validate(doc), zodOk, `${schemaFile} ${JSON.stringify(doc)}`);
    if (!zodOk) rejected++;
  }
  assert.equal(rejected, cases.length - 1, "all but the one good document are rejected");
});
