// SHA256SUMS (sha256sum's format: `<hex>  <file>` per artifact, sorted by name) and its detached
// OpenPGP signature SHA256SUMS.asc. SHA256SUMS is reproducible; the signature is not (it holds
// the signing time and the builder's key), so neither goes into the manifest's artifacts.
import * as openpgp from "openpgp";
import { BrokkrError } from "../errors.ts";

export const sumsFile = "SHA256SUMS";
export const signatureFile = "SHA256SUMS.asc";

/** What the manifest says about the two files (they cannot hash themselves into it). */
export const checksumsNote = {
  file: sumsFile,
  signature: signatureFile,
  note:
    "SHA256SUMS lists the sha256 of every artifact and of manifest.json; SHA256SUMS.asc is its detached OpenPGP signature by the builder's key. " +
    "Neither is in artifacts: the signature carries the signing time and the builder's key, so it differs between otherwise identical builds.",
} as const;

/** sha256sum's text format, one line per file, in byte order of the names. */
export function formatSums(hashes: Readonly<Record<string, string>>): string {
  return Object.keys(hashes)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map((name) => `${hashes[name]}  ${name}\n`)
    .join("");
}

/** Parses SHA256SUMS; every line must be `<64 hex>  <name>` (or `*<name>`, binary mode) with a plain name. */
export function parseSums(text: string, source = sumsFile): Map<string, string> {
  const sums = new Map<string, string>();
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  lines.forEach((line, i) => {
    const m = /^([0-9a-f]{64}) [ *]([A-Za-z0-9][A-Za-z0-9._-]*)$/.exec(line);
    if (!m || sums.has(m[2]!)) {
      throw new BrokkrError("verify.checksum", `${source} line ${i + 1} is not '<sha256>  <file>' (or names a file twice): ${JSON.stringify(line.slice(0, 120))}`, {
        hint: "the file was changed or damaged; download it again",
      });
    }
    sums.set(m[2]!, m[1]!);
  });
  if (sums.size === 0) throw new BrokkrError("verify.checksum", `${source} lists no files`, { hint: "download it again" });
  return sums;
}

/** An armored detached signature over the exact bytes (a binary document signature). */
export async function signDetached(data: Uint8Array, key: openpgp.PrivateKey): Promise<string> {
  const message = await openpgp.createMessage({ binary: data });
  return openpgp.sign({ message, signingKeys: key, detached: true, format: "armored" });
}

/** Checks a detached signature; throws `verify.signature` naming the file when it does not hold. */
export async function verifyDetached(data: Uint8Array, armoredSignature: string, key: openpgp.PublicKey, what = sumsFile): Promise<{ keyId: string; date: Date | undefined }> {
  let signature: openpgp.Signature;
  try {
    signature = await openpgp.readSignature({ armoredSignature });
  } catch (cause) {
    throw new BrokkrError("verify.signature", `${what}.asc is not an armored OpenPGP signature`, { cause, hint: "download it again" });
  }
  const message = await openpgp.createMessage({ binary: data });
  const result = await openpgp.verify({ message, signature, verificationKeys: key });
  const first = result.signatures[0];
  try {
    if (!first) throw new Error("no signature");
    await first.verified;
    const packet = (await first.signature).packets[0];
    return { keyId: first.keyID.toHex(), date: packet?.created ?? undefined };
  } catch (cause) {
    const signer = first?.keyID.toHex();
    const mine = key.getKeyIDs().map((k) => k.toHex());
    const why = signer && !mine.includes(signer) ? `it was made by key ${signer}, not by the key given (${mine[0]})` : "it does not match the file";
    throw new BrokkrError("verify.signature", `the signature ${what}.asc does not verify: ${why}`, {
      cause,
      hint: `${what} or its signature was changed, or the key is not the builder's`,
    });
  }
}
