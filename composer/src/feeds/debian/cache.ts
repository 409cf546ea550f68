// Content-addressed cache for everything fetched from the archive, plus a keyed store for data
// derived from it (parsed indexes, unpacked packages). Writes go to a temp file in the target
// directory and are renamed into place, so a crash never leaves a partial file under a final
// name. Blobs are re-hashed when read: a blob whose content does not match its name (disk
// corruption, tampering, a power cut before the data reached the disk) is deleted and reported
// missing. Derived entries cannot be re-hashed (nothing signed names their hash), so each is
// sealed: an HMAC over its key (the sha256 of the verified input) and its bytes, with a key kept
// outside the cache (trust-state.ts). Whoever can write the cache can delete entries, not forge them.

import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { BrokkrError } from "../../errors.ts";
import { getSettings, type Settings } from "../../settings/index.ts";
import { TrustState } from "./trust-state.ts";

/** Default cache root: BROKKR_CACHE_DIR, else $XDG_CACHE_HOME/brokkr, else ~/.cache/brokkr. */
export function defaultCacheRoot(settings: Pick<Settings, "cacheDir"> = getSettings()): string {
  return settings.cacheDir;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export class BlobCache {
  readonly root: string;
  /** Where the sealing key and the newest InRelease dates live (never under `root`). */
  readonly state: TrustState;

  constructor(root: string = defaultCacheRoot(), state: TrustState = new TrustState()) {
    this.root = root;
    this.state = state;
  }

  /** Where the blob with this sha256 lives (whether or not it is there). */
  blobPath(sha256: string): string {
    const h = checkHash(sha256);
    return join(this.root, "blobs", "sha256", h.slice(0, 2), h);
  }

  /** Cheap presence check; does not re-hash (use `verify` or `read` for that). */
  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.blobPath(sha256))).isFile();
    } catch {
      return false;
    }
  }

  /** Returns the blob's bytes, or undefined if it is absent or damaged (then it is deleted). */
  async read(sha256: string): Promise<Buffer | undefined> {
    const path = this.blobPath(sha256);
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch {
      return undefined;
    }
    if (sha256Hex(data) !== sha256.toLowerCase()) {
      await unlink(path).catch(() => {});
      return undefined;
    }
    return data;
  }

  /** Streams the blob through sha256 without holding it in memory; deletes it if damaged. */
  async verify(sha256: string): Promise<boolean> {
    const path = this.blobPath(sha256);
    const hash = createHash("sha256");
    try {
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    } catch {
      return false;
    }
    if (hash.digest("hex") === sha256.toLowerCase()) return true;
    await unlink(path).catch(() => {});
    return false;
  }

  /** Stores `data` under its sha256 after checking that it really has that hash. Returns the path. */
  async write(sha256: string, data: Uint8Array): Promise<string> {
    const got = sha256Hex(data);
    if (got !== sha256.toLowerCase()) {
      throw new BrokkrError(
        "feed.checksum-mismatch",
        `refusing to cache data whose sha256 is ${got}, expected ${sha256}`,
        {
          details: { expected: sha256, got },
        },
      );
    }
    const path = this.blobPath(sha256);
    await writeAtomic(path, [data]);
    return path;
  }

  /** A keyed store for derived data; `version` salts every key so a format change misses old entries. */
  derived(namespace: string, version: string): DerivedStore {
    return new DerivedStore(join(this.root, "derived", namespace), version, this, namespace);
  }

  /**
   * `data` as it is stored: a header with an HMAC binding it to `context` (name the verified
   * input it came from, e.g. its sha256, and the format), then the bytes themselves.
   */
  async seal(context: string, data: Uint8Array): Promise<Buffer[]> {
    const tag = sealTag(await this.state.sealKey(), context, data);
    return [sealMagic, tag, Buffer.from(data.buffer, data.byteOffset, data.byteLength)];
  }

  /** The bytes of a sealed file, or undefined if the seal does not match `context` and the bytes. */
  async unseal(context: string, file: Buffer): Promise<Buffer | undefined> {
    const head = sealMagic.length + sealTagBytes;
    if (file.length < head || !file.subarray(0, sealMagic.length).equals(sealMagic)) return undefined;
    const data = file.subarray(head);
    const want = sealTag(await this.state.sealKey(), context, data);
    return timingSafeEqual(want, file.subarray(sealMagic.length, head)) ? data : undefined;
  }
}

const sealMagic = Buffer.from("brokkr-seal-1\n");
const sealTagBytes = 32;

function sealTag(key: Buffer, context: string, data: Uint8Array): Buffer {
  // The context's length goes first, so no (context, data) pair can pass for another.
  return createHmac("sha256", key)
    .update(`${Buffer.byteLength(context)}:${context}`)
    .update(data)
    .digest();
}

/**
 * Derived data keyed by (input hash, format version). Entries are whole files, written
 * atomically and sealed; an entry whose seal does not match is deleted and reported missing.
 */
export class DerivedStore {
  readonly dir: string;
  readonly version: string;
  readonly #cache: BlobCache;
  readonly #namespace: string;

  constructor(dir: string, version: string, cache: BlobCache, namespace: string) {
    this.dir = dir;
    this.version = version;
    this.#cache = cache;
    this.#namespace = namespace;
  }

  pathOf(key: string): string {
    const h = sha256Hex(`${this.version}\0${key}`);
    return join(this.dir, h.slice(0, 2), h);
  }

  async read(key: string): Promise<Buffer | undefined> {
    let file: Buffer;
    try {
      file = await readFile(this.pathOf(key));
    } catch {
      return undefined;
    }
    const data = await this.#cache.unseal(this.#context(key), file);
    if (data === undefined) await this.remove(key);
    return data;
  }

  async write(key: string, data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    await writeAtomic(this.pathOf(key), await this.#cache.seal(this.#context(key), bytes));
  }

  #context(key: string): string {
    return `${this.#namespace}\0${this.version}\0${key}`;
  }

  async remove(key: string): Promise<void> {
    await unlink(this.pathOf(key)).catch(() => {});
  }
}

/**
 * Reads a file that must have this sha256 (a blob checked earlier, read again later): the bytes
 * used are the bytes checked, even if the file was swapped in between.
 */
export async function readChecked(path: string, sha256: string, what: string): Promise<Buffer> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    throw new BrokkrError("io", `cannot read ${what} (${path})`, { cause: err });
  }
  const got = sha256Hex(data);
  if (got !== sha256.toLowerCase()) {
    throw new BrokkrError("feed.checksum-mismatch", `${what}: the cached file has sha256 ${got}, not ${sha256}`, {
      hint: "the cache changed under the build (another process, disk damage or tampering); run again, the file is fetched again",
      details: { path, expected: sha256, got },
    });
  }
  return data;
}

async function writeAtomic(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  try {
    const fh = await open(tmp, "w");
    try {
      for (const c of chunks) await fh.writeFile(c);
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw new BrokkrError("io", `cannot write cache file ${path}`, { cause: err });
  }
}

function checkHash(sha256: string): string {
  const h = sha256.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(h))
    throw new BrokkrError("internal", `not a sha256 hex digest: ${JSON.stringify(sha256)}`);
  return h;
}
