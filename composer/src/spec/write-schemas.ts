// Writes schemas/*.schema.json from the zod models: `npm run schemas`.
// `--check` writes nothing and exits 1 when a file differs (CI's drift check).
// The schemas describe the documents as people write them (io: "input"): fields with a
// default are optional there.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { driverFileSchema, kernelFileSchema, portFileSchema, unitFileSchema } from "../catalog/models.ts";
import { imageSpecSchema } from "./image-spec.ts";

export const schemasDir = fileURLToPath(new URL("../../../schemas/", import.meta.url));

/** Each generated file and the zod schema it comes from. */
export const schemaFiles: Record<string, z.ZodType> = {
  "image-spec.schema.json": imageSpecSchema,
  "kernel.schema.json": kernelFileSchema,
  "driver.schema.json": driverFileSchema,
  "port.schema.json": portFileSchema,
  "unit.schema.json": unitFileSchema,
};

const leadingKeys = ["$schema", "title", "description"];

export function renderSchema(schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input" }) as Record<string, unknown>;
  // Header first, then zod's order, which follows the models' field order and so is stable.
  const ordered: Record<string, unknown> = {};
  for (const key of leadingKeys) if (key in json) ordered[key] = json[key];
  for (const [key, value] of Object.entries(json)) if (!(key in ordered)) ordered[key] = value;
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** The files in `dir` that differ from what the models generate (missing ones included). */
export async function findDrift(dir = schemasDir): Promise<string[]> {
  const drift: string[] = [];
  for (const [file, schema] of Object.entries(schemaFiles)) {
    const current = await readFile(join(dir, file), "utf8").catch(() => undefined);
    if (current !== renderSchema(schema)) drift.push(file);
  }
  return drift;
}

export async function writeSchemas(dir = schemasDir): Promise<string[]> {
  const files = Object.entries(schemaFiles);
  await Promise.all(files.map(([file, schema]) => writeFile(join(dir, file), renderSchema(schema))));
  return files.map(([file]) => file);
}

async function main(): Promise<void> {
  if (process.argv.includes("--check")) {
    const drift = await findDrift();
    if (drift.length > 0) {
      console.error(`schemas/ is out of date: ${drift.join(", ")}\nrun: npm run schemas`);
      process.exitCode = 1;
      return;
    }
    console.log("schemas/ matches the zod models");
    return;
  }
  for (const file of await writeSchemas()) console.log(`wrote schemas/${file}`);
}

if (import.meta.main) await main();
