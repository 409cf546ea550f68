import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { parseSpecText } from "../../../composer/src/spec/parse.ts";
import { schematicId } from "../../../composer/src/spec/schematic-id.ts";
import { browserSchematicId } from "./schematic-id.ts";
import { sha256Hex } from "./sha256.ts";

const root = join(import.meta.dirname, "../../..");
const examples = ["minimal", "webserver", "aarch64", "xen"];

test("our sha256 equals node:crypto for lengths around the block boundaries", () => {
  for (const len of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 4096]) {
    const data = randomBytes(len);
    assert.equal(sha256Hex(data), createHash("sha256").update(data).digest("hex"), `length ${len}`);
  }
});

test("the browser's schematic ID equals the composer's for every example", async () => {
  for (const name of examples) {
    const text = await readFile(join(root, "examples", `${name}.yaml`), "utf8");
    const spec = parseSpecText(text, name);
    assert.equal(await browserSchematicId(spec), schematicId(spec), name);
  }
});

test("without WebCrypto the fallback gives the same ID", async (t) => {
  const spec = parseSpecText(await readFile(join(root, "examples/webserver.yaml"), "utf8"), "webserver");
  const subtle = Object.getOwnPropertyDescriptor(globalThis.crypto, "subtle");
  t.after(() => {
    if (subtle) Object.defineProperty(globalThis.crypto, "subtle", subtle);
  });
  Object.defineProperty(globalThis.crypto, "subtle", { value: undefined, configurable: true });
  assert.equal(globalThis.crypto.subtle, undefined);
  assert.equal(await browserSchematicId(spec), schematicId(spec));
});

test("the ID equals what `brokkr id` prints", async () => {
  const file = join(root, "examples/minimal.yaml");
  const node = join(root, "node_modules/.bin/node");
  const { stdout } = await promisify(execFile)(node, [join(root, "composer/src/cli.ts"), "id", file]);
  const spec = parseSpecText(await readFile(file, "utf8"), "minimal");
  assert.equal(await browserSchematicId(spec), stdout.trim());
});
