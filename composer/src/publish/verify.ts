// `brokkr verify DIR|URL`: the signature on SHA256SUMS, every sum, and that manifest.json's
// artifact hashes agree with the sums. For a URL the builder's key is, unless --key names one,
// the one the same server publishes at /api/signing-key.asc: trust on first use.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as openpgp from "openpgp";
import { BrokkrError } from "../errors.ts";
import { parseSums, signatureFile, sumsFile, verifyDetached } from "./checksums.ts";
import { defaultSigningKeyFile, readPublicKey } from "./signing-key.ts";

export interface VerifyOptions {
  /** The builder's public key; default: the server's published key (URL) or this machine's own (DIR). */
  keyFile?: string;
  /** Called once per file that matched, as it is checked. */
  onFile?: (name: string, sha256: string) => void;
}

export interface VerifyReport {
  source: string;
  /** Where the key came from: a file, or the URL it was fetched from. */
  keyFrom: string;
  fingerprint: string;
  signedAt: Date | undefined;
  files: string[];
}

interface Source {
  label: string;
  /** The whole file, for the small ones (SHA256SUMS, its signature, manifest.json). */
  read(name: string): Promise<Buffer>;
  /** sha256 of a file, streamed. */
  hash(name: string): Promise<string>;
}

export async function verifyDownload(target: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const isUrl = /^https?:\/\//i.test(target);
  const source = isUrl ? urlSource(target) : dirSource(target);
  const sums = await source.read(sumsFile);
  const signature = (await source.read(signatureFile)).toString("utf8");
  const { key, from } = await keyFor(target, isUrl, opts.keyFile);
  const { date } = await verifyDetached(sums, signature, key, `${source.label}/${sumsFile}`);

  const listed = parseSums(sums.toString("utf8"), `${source.label}/${sumsFile}`);
  for (const [name, want] of listed) {
    const got = await source.hash(name);
    if (got !== want) {
      throw new BrokkrError("verify.checksum", `${source.label}/${name}: sha256 ${got}, but SHA256SUMS says ${want}`, {
        hint: "the file was changed or damaged after the build signed its sums; download it again",
      });
    }
    opts.onFile?.(name, got);
  }
  checkManifest(await source.read("manifest.json").catch(() => undefined), listed, source.label);
  return { source: source.label, keyFrom: from, fingerprint: key.getFingerprint(), signedAt: date, files: [...listed.keys()] };
}

/** manifest.json must be listed, and each of its artifacts must have the hash SHA256SUMS gives it. */
function checkManifest(bytes: Buffer | undefined, listed: ReadonlyMap<string, string>, label: string): void {
  if (!bytes || !listed.has("manifest.json")) {
    throw new BrokkrError("verify.missing", `${label}: no manifest.json listed in SHA256SUMS`, { hint: "download the whole build output" });
  }
  // Its bytes were checked against the signed sums above; re-read here, so check once more.
  if (createHash("sha256").update(bytes).digest("hex") !== listed.get("manifest.json")) {
    throw new BrokkrError("verify.checksum", `${label}/manifest.json changed while it was being checked`, { hint: "run verify again" });
  }
  let artifacts: Record<string, { sha256?: unknown }>;
  try {
    artifacts = (JSON.parse(bytes.toString("utf8")) as { artifacts?: Record<string, { sha256?: unknown }> }).artifacts ?? {};
  } catch (cause) {
    throw new BrokkrError("verify.checksum", `${label}/manifest.json is not JSON`, { cause });
  }
  for (const [name, a] of Object.entries(artifacts)) {
    const sum = listed.get(name);
    if (sum === undefined) {
      throw new BrokkrError("verify.checksum", `${label}/manifest.json lists ${name}, which SHA256SUMS does not`, { hint: "the build output is incomplete or was changed" });
    }
    if (a.sha256 !== sum) {
      throw new BrokkrError("verify.checksum", `${label}/manifest.json gives ${name} the sha256 ${String(a.sha256)}, SHA256SUMS ${sum}`, {
        hint: "the manifest and the sums disagree: the build output was changed",
      });
    }
  }
}

async function keyFor(target: string, isUrl: boolean, keyFile: string | undefined): Promise<{ key: openpgp.PublicKey; from: string }> {
  if (keyFile) return { key: await readPublicKey(keyFile), from: keyFile };
  if (!isUrl) {
    const own = defaultSigningKeyFile();
    return { key: await readPublicKey(own).catch(() => Promise.reject(noKey(target))), from: own };
  }
  const url = new URL("/api/signing-key.asc", target).toString();
  const text = (await fetchBytes(url, "the server's signing key")).toString("utf8");
  try {
    const key = await openpgp.readKey({ armoredKey: text });
    if (key.isPrivate()) throw new Error("the server published a private key");
    return { key, from: url };
  } catch (cause) {
    throw new BrokkrError("verify.signature", `${url} is not an armored OpenPGP public key`, { cause, hint: "pass the builder's key with --key FILE" });
  }
}

function noKey(target: string): BrokkrError {
  return new BrokkrError("verify.missing", `no key to check ${target} with: this machine has no signing key of its own`, {
    hint: "pass the builder's public key with --key FILE (a server publishes its key at /api/signing-key.asc)",
  });
}

function dirSource(dir: string): Source {
  const path = (name: string) => join(dir, name);
  return {
    label: dir.replace(/\/+$/, ""),
    read: (name) => readFile(path(name)).catch((cause: NodeJS.ErrnoException) => Promise.reject(missing(path(name), cause))),
    hash: (name) =>
      new Promise((resolve, reject) => {
        const h = createHash("sha256");
        createReadStream(path(name))
          .on("error", (cause: NodeJS.ErrnoException) => reject(missing(path(name), cause)))
          .on("data", (chunk) => h.update(chunk))
          .on("end", () => resolve(h.digest("hex")));
      }),
  };
}

function missing(what: string, cause: NodeJS.ErrnoException): BrokkrError {
  return cause.code === "ENOENT"
    ? new BrokkrError("verify.missing", `${what} is missing`, { hint: "download every file SHA256SUMS lists into the directory" })
    : new BrokkrError("io", `cannot read ${what}: ${cause.message}`, { cause });
}

function urlSource(target: string): Source {
  const base = target.replace(/\/+$/, "");
  const url = (name: string) => `${base}/${encodeURIComponent(name)}`;
  return {
    label: base,
    read: (name) => fetchBytes(url(name), name),
    hash: async (name) => {
      const res = await get(url(name), name);
      const h = createHash("sha256");
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) h.update(chunk);
      return h.digest("hex");
    },
  };
}

async function fetchBytes(url: string, what: string): Promise<Buffer> {
  return Buffer.from(await (await get(url, what)).arrayBuffer());
}

async function get(url: string, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (cause) {
    throw new BrokkrError("remote.http", `cannot reach ${new URL(url).origin} for ${what}: ${(cause as Error).message}`, { cause });
  }
  if (res.status === 404) {
    await res.body?.cancel();
    throw new BrokkrError("verify.missing", `${url} is missing (HTTP 404)`, {
      hint: what === sumsFile || what === signatureFile ? "builds made before signed checksums have none: build again" : "check the URL: a build's own is /api/builds/<id>/",
    });
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new BrokkrError("remote.http", `HTTP ${res.status} for ${url}`);
  }
  return res;
}
