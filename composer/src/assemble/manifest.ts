// manifest.json: what was built from what (the spec, the lock, each artifact's sha256), written
// last with the signed SHA256SUMS; then the staged files are renamed into place, so a failed build never leaves a
// half-written image under its final name.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { errataVersion } from "../errata/index.ts";
import type { LockEntry } from "../feeds/debian/types.ts";
import { checksumsNote } from "../publish/checksums.ts";
import { writeSignedSums } from "../publish/sign-build.ts";
import type { ImageSpec } from "../spec/index.ts";

export interface Manifest {
  schematicId: string;
  spec: ImageSpec;
  lock: LockEntry[];
  artifacts: Record<string, { sha256: string; size: number }>;
  sourceDateEpoch: number;
  kernel: { release: string; modules: string[] };
  /** The composer's errata version (errata/index.ts): which writer fixes these bytes have. */
  errata: number;
  /** SHA256SUMS and its signature: beside the artifacts, outside `artifacts` (see the note). */
  checksums: typeof checksumsNote;
}

export async function writeManifest(
  staging: string,
  outDir: string,
  files: readonly string[],
  signingKey: Parameters<typeof writeSignedSums>[2],
  fields: Omit<Manifest, "artifacts" | "errata" | "checksums">,
): Promise<Manifest> {
  const manifest = { ...fields, artifacts: {}, errata: errataVersion, checksums: checksumsNote };
  // Key order as before: schematicId, spec, lock, artifacts, sourceDateEpoch, kernel, errata, checksums.
  const ordered: Manifest = {
    schematicId: manifest.schematicId,
    spec: manifest.spec,
    lock: manifest.lock,
    artifacts: manifest.artifacts,
    sourceDateEpoch: manifest.sourceDateEpoch,
    kernel: manifest.kernel,
    errata: manifest.errata,
    checksums: manifest.checksums,
  };
  for (const name of [...files].sort()) {
    const data = await readFile(join(staging, name));
    ordered.artifacts[name] = { sha256: createHash("sha256").update(data).digest("hex"), size: data.length };
  }
  await writeFile(join(staging, "manifest.json"), `${JSON.stringify(ordered, null, 2)}\n`);
  const sums = await writeSignedSums(staging, ordered.artifacts, signingKey);
  await mkdir(outDir, { recursive: true });
  for (const name of [...files, "manifest.json", ...sums]) await rename(join(staging, name), join(outDir, name));
  await rm(staging, { recursive: true, force: true });
  return ordered;
}
