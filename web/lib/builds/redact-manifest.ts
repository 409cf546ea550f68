// A Builder decorator: the manifest.json a build publishes carries its spec with password hashes
// redacted (lib/spec/redact.ts), before the service hashes and stores it. `schematicId` still
// names the full spec, hashes included.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BrokkrError } from "@brokkr/composer";
import type { ImageSpec } from "@brokkr/composer";
import { hasSecrets, redactSpec } from "../spec/redact.ts";
import type { Builder } from "./builder.ts";

export function withRedactedManifest(inner: Builder): Builder {
  return async (job, onEvent, signal) => {
    const out = await inner(job, onEvent, signal);
    if (out.files.includes("manifest.json")) await redactManifestFile(join(job.outDir, "manifest.json"));
    return out;
  };
}

async function redactManifestFile(path: string): Promise<void> {
  let doc: { spec?: ImageSpec };
  try {
    doc = JSON.parse(await readFile(path, "utf8")) as { spec?: ImageSpec };
  } catch (cause) {
    throw new BrokkrError("build.crashed", "the builder wrote a manifest.json that is not JSON", { cause });
  }
  if (!doc.spec || !hasSecrets(doc.spec)) return;
  await writeFile(path, `${JSON.stringify({ ...doc, spec: redactSpec(doc.spec) }, null, 2)}\n`);
}
