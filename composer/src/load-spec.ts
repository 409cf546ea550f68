// Reads a spec file and checks it against the catalog: the one way every entry point loads a spec.
import { readFile } from "node:fs/promises";
import type { Catalog } from "./catalog/index.ts";
import { BrokkrError } from "./errors.ts";
import { type CheckOptions, checkSpecText, type ImageSpec, schematicId } from "./spec/index.ts";

export async function loadSpecFile(file: string, catalog: Catalog, opts: CheckOptions = {}): Promise<{ spec: ImageSpec; schematicId: string }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new BrokkrError("spec.parse", `cannot read ${file}`, { cause, hint: "check the path" });
  }
  const spec = checkSpecText(text, file, catalog, opts);
  return { spec, schematicId: schematicId(spec) };
}
