// `brokkr keys create NAME`: a Secure Boot key set. PK, KEK and db each get a private key
// (`.key`, PKCS#8 PEM, mode 0600), a self-signed certificate (`.crt` PEM, `.cer` DER), the
// EFI signature list (`.esl`) and a signed update (`.auth`) that enrolls it: PK.auth signed by
// PK (enrolling it ends setup mode), KEK.auth by PK, db.auth by KEK. db signs boot binaries.
import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BrokkrError } from "../errors.ts";
import { getSettings } from "../settings/index.ts";
import { authenticatedPayload, authFile, efiTime, secureBootVariables, x509SignatureList } from "./efi-vars.ts";
import { certificateDer, createSelfSigned, privateKeyPem, type SigningPair, signDetachedPkcs7, toPem } from "./pki.ts";

export const keyRoles = ["PK", "KEK", "db"] as const;
export type KeyRole = (typeof keyRoles)[number];

const keyName = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** `<state dir>/secure-boot/NAME`: beside the CLI's other secrets, never in the cache. */
export function keySetDir(name: string, stateDir: string = getSettings().stateDir): string {
  if (!keyName.test(name)) {
    throw new BrokkrError("cli.usage", `'${name}' is not a key set name`, { hint: "use 1–63 lowercase letters, digits and '-', starting with a letter or digit" });
  }
  return join(stateDir, "secure-boot", name);
}

export interface KeySetInfo {
  dir: string;
  /** The GUID that owns the signature list entries (EFI_SIGNATURE_DATA.SignatureOwner). */
  owner: string;
  files: string[];
}

export async function createKeySet(name: string, opts: { dir?: string; now?: Date } = {}): Promise<KeySetInfo> {
  const dir = opts.dir ?? keySetDir(name);
  const now = opts.now ?? new Date();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if ((await readdir(dir)).length > 0) {
    throw new BrokkrError("sign.key", `${dir} already holds files`, { hint: "a key set is made once: pick another name, or move the directory away" });
  }
  const owner = randomUUID();
  const pairs = {} as Record<KeyRole, SigningPair>;
  for (const role of keyRoles) pairs[role] = await createSelfSigned(`${name} Secure Boot ${role}`, now);
  // Who signs each variable's update: PK signs itself and KEK; KEK signs db.
  const signer: Record<KeyRole, KeyRole> = { PK: "PK", KEK: "PK", db: "KEK" };
  const time = efiTime(now);
  const files: string[] = [];
  const put = async (file: string, data: string | Uint8Array, mode = 0o644) => {
    await writeFile(join(dir, file), data, { mode, flag: "wx" });
    files.push(file);
  };
  for (const role of keyRoles) {
    const der = certificateDer(pairs[role].certificate);
    const esl = x509SignatureList(der, owner);
    const payload = authenticatedPayload(secureBootVariables[role], time, esl);
    const pkcs7 = await signDetachedPkcs7(pairs[signer[role]], payload);
    await put(`${role}.key`, await privateKeyPem(pairs[role].privateKey), 0o600);
    await put(`${role}.crt`, toPem("CERTIFICATE", der));
    await put(`${role}.cer`, der);
    await put(`${role}.esl`, esl);
    await put(`${role}.auth`, authFile(time, pkcs7, esl));
  }
  await put("GUID", `${owner}\n`);
  return { dir, owner, files };
}

/** The db key and certificate of a key set: what signs boot binaries. */
export async function readDbSigner(dir: string): Promise<{ keyPem: string; certDer: Buffer }> {
  try {
    return { keyPem: await readFile(join(dir, "db.key"), "utf8"), certDer: await readFile(join(dir, "db.cer")) };
  } catch (cause) {
    throw new BrokkrError("sign.key", `no Secure Boot key set in ${dir} (db.key and db.cer)`, {
      cause,
      hint: "make one with `brokkr keys create NAME`",
    });
  }
}
