// The golden sha256 of every format writer's test, tied to the errata: the expected hash of a
// golden is the one its newest erratum gave it, else its baseline at 6ed9ae3. A writer whose
// output changes fails its golden test until an erratum records the new hash.
import { createHash } from "node:crypto";
import { errata } from "./index.ts";

/** The goldens at errata version 0 (6ed9ae3). Never edit: errata.test.ts pins their digest. */
export const baselineGoldens: Readonly<Record<string, string>> = {
  "formats/bmp: writeBmp24": "7c2c5cc9cc9fd4e5f0e4c74c3046e854ad9eb22bb7b15e2df6dbe99b0fede512",
  "formats/cpio: a fixed tree": "e06906832ed9ce1b824aeca0d7595f2a1d2fa9e9dc55371ac0f5f25afdc6c33f",
  "formats/erofs: a fixed tree": "f1d9005b7bc65d286766ade0493d011b2cc54cc59e35c072302808cb2da701ea",
  "formats/fat32: a fixed mtime and volume id": "bd1d3dd76cc0353ffe18f023cecbfd4b7d2987e5fa1c24647689ce05da4e103a",
  "formats/gpt: the disk": "fb11e2427eec2763931a1e6531d1397291d80c4621d505a037482e6b848cb8bc",
  "formats/iso9660: UEFI El Torito": "8eaefd41cc64a187ae1ec356cd2a8de97f8be779f1f2fef10f8267afa6da446c",
  "formats/iso9660: hybrid BIOS + UEFI": "858c2501b4aee93fc113ad2e2efcd166cd4928f5dafcb7efed1391bf53d38799",
  "formats/qcow2: a sparse raw disk": "cf7a449e49133ad6c495628a2d834387618ba07a3086dcf1b67a04afd1c1bbed",
};

/** The sha256 the golden `name` must have at the current errata version. */
export function expectedGolden(name: string): string {
  let sha = baselineGoldens[name];
  for (const e of errata) sha = e.goldens?.[name] ?? sha;
  if (sha === undefined) throw new Error(`no golden named "${name}": add it to baselineGoldens (a new writer) or to an erratum`);
  return sha;
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** For the golden tests: the message says what to do when the bytes moved. */
export function goldenMismatch(name: string, bytes: Uint8Array): string | undefined {
  const got = sha256Of(bytes);
  const want = expectedGolden(name);
  if (got === want) return undefined;
  return `golden "${name}" is ${got}, not ${want}: if the change is meant, add an erratum to composer/src/errata/index.ts with goldens: { "${name}": "${got}" }`;
}
