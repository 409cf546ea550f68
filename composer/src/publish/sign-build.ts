// The last step of a build: SHA256SUMS over the artifacts and manifest.json, signed.
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type * as openpgp from "openpgp";
import { formatSums, signatureFile, signDetached, sumsFile } from "./checksums.ts";

/** Writes SHA256SUMS and SHA256SUMS.asc into `dir` (which holds manifest.json) and returns their names. */
export async function writeSignedSums(
  dir: string,
  artifacts: Readonly<Record<string, { sha256: string }>>,
  key: openpgp.PrivateKey,
): Promise<string[]> {
  const hashes: Record<string, string> = Object.fromEntries(Object.entries(artifacts).map(([name, a]) => [name, a.sha256]));
  hashes["manifest.json"] = createHash("sha256").update(await readFile(join(dir, "manifest.json"))).digest("hex");
  const sums = Buffer.from(formatSums(hashes));
  await writeFile(join(dir, sumsFile), sums);
  await writeFile(join(dir, signatureFile), await signDetached(sums, key));
  return [sumsFile, signatureFile];
}
