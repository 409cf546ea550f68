// Fetches and verifies a suite's InRelease. This is the root of trust for everything else: every
// index hash we check comes from the signed text, so a bad or missing signature fails closed.

import { readFile } from "node:fs/promises";
import * as openpgp from "openpgp";
import { BrokkrError } from "../../errors.ts";
import { getSettings } from "../../settings/index.ts";
import type { BlobCache } from "./cache.ts";
import { parseStanzas } from "./deb822.ts";
import { type FetchOptions, fetchBytes } from "./http.ts";
import { TrustState } from "./trust-state.ts";

/** An index file listed in InRelease. */
export interface ReleaseFile {
  size: number;
  sha256: string;
}

export interface Release {
  codename: string;
  suite: string;
  date: Date | undefined;
  validUntil: Date | undefined;
  acquireByHash: boolean;
  architectures: string[];
  components: string[];
  /** SHA256 section: path relative to `dists/<suite>/` → size and hash. */
  files: Map<string, ReleaseFile>;
  /** Problems that do not stop us (an expired Valid-Until that was allowed); the caller decides how to show them. */
  warnings: string[];
  /** The verified signed text (the body only, without the signature armor). */
  text: string;
}

export interface ReleaseOptions {
  /** Path of a keyring file (binary or armored). Default: BROKKR_KEYRING or Debian's archive keyring. */
  keyring?: string;
  /** Where the last verified InRelease is kept for offline use. */
  cache?: BlobCache;
  /** Do not touch the network: use the last verified InRelease from the cache. */
  offline?: boolean;
  http?: FetchOptions;
  now?: Date;
  /** Keeps the newest Date seen per mirror and suite. Default: the cache's, else the default state dir. */
  state?: TrustState;
  /** Accept a Release past its Valid-Until (archived snapshots). Default: BROKKR_ALLOW_EXPIRED_RELEASE=1. */
  allowExpired?: boolean;
}

/** GETs `dists/<suite>/InRelease`, verifies its signature against the keyring and parses it. */
export async function fetchRelease(
  mirror: string,
  suite: string,
  opts: ReleaseOptions = {},
): Promise<Release> {
  const url = `${mirror}/dists/${suite}/InRelease`;
  const store = opts.cache?.derived("inrelease", "v1");
  const storeKey = `${mirror}\0${suite}`;
  let signed: string;
  if (opts.offline) {
    const saved = await store?.read(storeKey);
    if (saved === undefined) {
      throw new BrokkrError(
        "feed.index-missing",
        `offline, and no InRelease for ${suite} was ever fetched from ${mirror}`,
        {
          hint: "run once with network access to fill the cache",
        },
      );
    }
    signed = saved.toString("utf8");
  } else {
    signed = (await fetchBytes(url, opts.http)).toString("utf8");
  }
  const keys = await readKeyring(opts.keyring ?? getSettings().keyring);
  const text = await verifyCleartext(signed, keys, url);
  const release = parseRelease(text, opts.now ?? new Date());
  checkSuite(release, suite, url);
  checkValidUntil(release, url, opts.now ?? new Date(), opts.allowExpired ?? getSettings().allowExpiredRelease);
  const state = opts.state ?? opts.cache?.state ?? new TrustState();
  await checkNotOlder(release, mirror, suite, url, state);
  // Saved only after verification, so offline mode never trusts unverified bytes; the date is
  // recorded after the copy, so a saved copy is never older than the recorded date.
  if (!opts.offline) await store?.write(storeKey, signed);
  if (release.date !== undefined) await state.recordReleaseDate(mirror, suite, release.date);
  return release;
}

/** Past its Valid-Until a Release may hide security fixes published since: refuse it, as apt does. */
function checkValidUntil(release: Release, url: string, now: Date, allow: boolean): void {
  const until = release.validUntil;
  if (until === undefined || until >= now) return;
  if (allow) return; // parseRelease has put it in `warnings`
  const name = release.codename || release.suite;
  throw new BrokkrError("feed.release-expired", `${url}: the Release of ${name} expired at ${until.toISOString()} (Valid-Until)`, {
    hint: "the mirror is stale or replays an old release; try another mirror (BROKKR_MIRROR), or for an archived snapshot set BROKKR_ALLOW_EXPIRED_RELEASE=1",
    details: { url, suite: name, validUntil: until.toISOString() },
  });
}

/** A signed Release older than one already seen is a replay (or a mirror gone back in time). */
async function checkNotOlder(release: Release, mirror: string, suite: string, url: string, state: TrustState): Promise<void> {
  const seen = await state.newestReleaseDate(mirror, suite);
  if (seen === undefined) return;
  if (release.date !== undefined && release.date >= seen) return;
  const file = state.releaseDateFile(mirror, suite);
  const when = release.date === undefined ? "has no Date" : `is dated ${release.date.toISOString()}`;
  throw new BrokkrError("feed.release-replayed", `${url} ${when}, older than the ${seen.toISOString()} release of ${suite} already seen from this mirror`, {
    hint: `the mirror replays an old release or went back in time; try again later or another mirror (BROKKR_MIRROR). If you trust it (you moved the mirror to an older snapshot on purpose), delete ${file}`,
    details: { url, suite, date: release.date?.toISOString(), newestSeen: seen.toISOString() },
  });
}

/** Reads every public key in a keyring file: a binary keyring (several keys back to back) or armored text. */
export async function readKeyring(path: string): Promise<openpgp.Key[]> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    throw new BrokkrError("feed.signature", `cannot read the archive keyring ${path}`, {
      hint: "install debian-archive-keyring or set BROKKR_KEYRING to a keyring file",
      cause: err,
    });
  }
  try {
    const armored = data.subarray(0, 64).toString("latin1").includes("-----BEGIN PGP");
    return armored
      ? await openpgp.readKeys({ armoredKeys: data.toString("utf8") })
      : await openpgp.readKeys({ binaryKeys: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
  } catch (err) {
    throw new BrokkrError("feed.signature", `cannot parse the keyring ${path}`, { cause: err });
  }
}

/** Returns the signed text if at least one signature verifies with one of `keys`. */
export async function verifyCleartext(signed: string, keys: openpgp.Key[], source: string): Promise<string> {
  const fail = (why: string, cause?: unknown) =>
    new BrokkrError("feed.signature", `${source}: ${why}`, {
      hint: "the mirror may be serving tampered or broken files; try another mirror (BROKKR_MIRROR), or check BROKKR_KEYRING",
      details: { url: source },
      cause,
    });
  let message: openpgp.CleartextMessage;
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: signed });
  } catch (err) {
    throw fail("not an OpenPGP cleartext-signed message", err);
  }
  let result: Awaited<ReturnType<typeof openpgp.verify>>;
  try {
    result = await openpgp.verify({ message, verificationKeys: keys });
  } catch (err) {
    throw fail("signature check failed", err);
  }
  // Debian signs with several keys; one good signature from a key we trust is enough, as in apt.
  const outcomes = await Promise.all(
    result.signatures.map((s) =>
      s.verified.then(
        () => true,
        () => false,
      ),
    ),
  );
  if (!outcomes.includes(true)) {
    throw fail(
      result.signatures.length === 0 ? "no signature" : "no valid signature from a key in the keyring",
    );
  }
  return result.data;
}

/** Parses a Release body: header fields and the SHA256 file list. */
export function parseRelease(text: string, now: Date = new Date()): Release {
  const s = parseStanzas(text)[0] ?? {};
  const files = new Map<string, ReleaseFile>();
  for (const line of (s["sha256"] ?? "").split("\n")) {
    const [sha256, size, path] = line.trim().split(/\s+/);
    if (sha256 === undefined || size === undefined || path === undefined) continue;
    files.set(path, { sha256: sha256.toLowerCase(), size: Number(size) });
  }
  const release: Release = {
    codename: s["codename"] ?? "",
    suite: s["suite"] ?? "",
    date: parseDate(s["date"]),
    validUntil: parseDate(s["valid-until"]),
    acquireByHash: (s["acquire-by-hash"] ?? "").toLowerCase() === "yes",
    architectures: (s["architectures"] ?? "").split(/\s+/).filter(Boolean),
    components: (s["components"] ?? "").split(/\s+/).filter(Boolean),
    files,
    warnings: [],
    text,
  };
  if (release.validUntil !== undefined && release.validUntil < now) {
    release.warnings.push(`Release file expired at ${release.validUntil.toISOString()} (Valid-Until)`);
  }
  return release;
}

/** A valid signature on the wrong suite is a downgrade or a misconfigured mirror: refuse it. */
function checkSuite(release: Release, asked: string, url: string): void {
  const names = [release.codename, release.suite].filter(Boolean);
  if (names.length === 0 || names.includes(asked)) return;
  throw new BrokkrError("feed.signature", `${url} is signed but describes ${names.join("/")}, not ${asked}`, {
    hint: "the mirror serves another suite under this name; try another mirror (BROKKR_MIRROR)",
  });
}

function parseDate(v: string | undefined): Date | undefined {
  if (v === undefined || v === "") return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
