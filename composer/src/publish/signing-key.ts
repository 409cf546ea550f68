// The builder's OpenPGP key, which signs every build's SHA256SUMS. The CLI's lives in the
// state directory (BROKKR_STATE_DIR, default ~/.local/state/brokkr), the server's in its data
// directory; either is made on first use: an ed25519 key (v4, so Debian's gpgv reads its
// signatures), armored, mode 0600. Never in the cache, the database or an artifact store.
import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import * as openpgp from "openpgp";
import { BrokkrError } from "../errors.ts";
import { getSettings } from "../settings/index.ts";

export const signingKeyName = "signing-key.asc";

/** Where the CLI keeps its key: `<state dir>/signing-key.asc`. */
export function defaultSigningKeyFile(): string {
  return join(getSettings().stateDir, signingKeyName);
}

/** The private key in `file`, made there first if there is none. */
export async function loadOrCreateSigningKey(file: string): Promise<openpgp.PrivateKey> {
  const existing = await readArmored(file);
  if (existing !== undefined) return parsePrivate(existing, file);
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw keyError(`cannot create ${dirname(file)} for the signing key`, cause);
  }
  const { privateKey } = await openpgp.generateKey({
    type: "ecc",
    curve: "ed25519Legacy",
    userIDs: [{ name: "Brokkr builder" }],
    format: "armored",
  });
  // Written under a temp name, then linked into place: when two builds make a key at once,
  // link fails for the second and both use the first one's key.
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  try {
    await writeFile(tmp, privateKey, { mode: 0o600, flag: "wx" });
    await link(tmp, file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "EEXIST") throw err;
    });
  } catch (cause) {
    throw keyError(`cannot write the signing key ${file}`, cause);
  } finally {
    await unlink(tmp).catch(() => {});
  }
  return parsePrivate((await readArmored(file)) ?? privateKey, file);
}

/** The armored public key of a private key: what a downloader verifies with. */
export function publicKeyOf(key: openpgp.PrivateKey): string {
  return key.toPublic().armor();
}

/** Reads an armored public (or private: its public part is used) key from a file. */
export async function readPublicKey(file: string): Promise<openpgp.PublicKey> {
  const text = await readArmored(file);
  if (text === undefined) throw keyError(`${file} does not exist`, undefined, "pass the builder's public key with --key FILE");
  try {
    const key = await openpgp.readKey({ armoredKey: text });
    return key.isPrivate() ? key.toPublic() : key;
  } catch (cause) {
    throw keyError(`${file} is not an armored OpenPGP key`, cause, "pass the .asc file the builder published");
  }
}

async function readArmored(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw keyError(`cannot read ${file}`, err);
  }
}

async function parsePrivate(text: string, file: string): Promise<openpgp.PrivateKey> {
  try {
    return await openpgp.readPrivateKey({ armoredKey: text });
  } catch (cause) {
    throw keyError(`${file} does not hold an unencrypted OpenPGP private key`, cause, `move ${file} away to make a new key`);
  }
}

function keyError(message: string, cause: unknown, hint?: string): BrokkrError {
  return new BrokkrError("sign.key", message, {
    cause,
    hint: hint ?? "set BROKKR_STATE_DIR (CLI) or BROKKR_DATA_DIR (server) to a directory this user can write",
  });
}
