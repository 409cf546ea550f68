// Content-addressed cache for everything fetched from the archive, plus a keyed store for data
// derived from it (parsed indexes). Writes go to a temp file in the target directory and are
// renamed into place, so a crash never leaves a partial file under a final name. Blobs are
// re-hashed when read: a blob whose content does not match its name (disk corruption,
// tampering, a power cut before the data reached the disk) is deleted and reported missing.

import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { BrokkrError } from "../../errors.ts";

/** Default cache root: BROKKR_CACHE_DIR, else $XDG_CACHE_HOME/brokkr, else ~/.cache/brokkr. */
export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const own = env["BROKKR_CACHE_DIR"];
  if (own) return own;
  const xdg = env["XDG_CACHE_HOME"];
  return join(xdg ? xdg : join(homedir(), ".cache"), "brokkr");
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export class BlobCache {
  readonly root: string;

  constructor(root: string = defaultCacheRoot()) {
    this.root = root;
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
    await writeAtomic(path, data);
    return path;
  }

  /** A keyed store for derived data; `version` salts every key so a format change misses old entries. */
  derived(namespace: string, version: string): DerivedStore {
    return new DerivedStore(join(this.root, "derived", namespace), version);
  }
}

/** Derived data keyed by (input hash, format version). Entries are whole files, written atomically. */
export class DerivedStore {
  readonly dir: string;
  readonly version: string;

  constructor(dir: string, version: string) {
    this.dir = dir;
    this.version = version;
  }

  pathOf(key: string): string {
    const h = sha256Hex(`${this.version}\0${key}`);
    return join(this.dir, h.slice(0, 2), h);
  }

  async read(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch {
      return undefined;
    }
  }

  async write(key: string, data: Uint8Array | string): Promise<void> {
    await writeAtomic(this.pathOf(key), data);
  }

  async remove(key: string): Promise<void> {
    await unlink(this.pathOf(key)).catch(() => {});
  }
}

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  try {
    await writeFile(tmp, data);
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
