// State that must outlive the cache: the key that seals derived cache entries, and the newest
// InRelease `Date` seen per mirror and suite. It lives outside the cache directory, so neither
// garbage collection nor someone who can rewrite the cache can roll it back or forge with it.

import { createHash, randomBytes } from "node:crypto";
import { link, mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { BrokkrError } from "../../errors.ts";
import { getSettings, type Settings } from "../../settings/index.ts";

/** BROKKR_STATE_DIR, else $XDG_STATE_HOME/brokkr, else ~/.local/state/brokkr. */
export function defaultStateDir(settings: Pick<Settings, "stateDir"> = getSettings()): string {
  return settings.stateDir;
}

const keyBytes = 32;

export class TrustState {
  readonly dir: string;
  #key: Promise<Buffer> | undefined;

  constructor(dir: string = defaultStateDir()) {
    this.dir = dir;
  }

  /** The secret that seals derived cache entries: made on first use, mode 0600, never in the cache. */
  sealKey(): Promise<Buffer> {
    this.#key ??= this.#loadKey();
    return this.#key;
  }

  /** The file that keeps the newest Date seen for this mirror and suite. */
  releaseDateFile(mirror: string, suite: string): string {
    const id = createHash("sha256").update(`${normalizeMirror(mirror)}\0${suite}`).digest("hex");
    return join(this.dir, "release-dates", `${id.slice(0, 32)}.json`);
  }

  async newestReleaseDate(mirror: string, suite: string): Promise<Date | undefined> {
    const file = this.releaseDateFile(mirror, suite);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw stateError(`cannot read ${file}`, err);
    }
    let date = new Date(Number.NaN);
    try {
      date = new Date((JSON.parse(text) as { date?: string }).date ?? "");
    } catch {
      // reported below
    }
    if (Number.isNaN(date.getTime())) {
      throw stateError(`${file} does not hold a date`, undefined, `delete ${file} if you trust the mirror's current InRelease`);
    }
    return date;
  }

  /** Keeps `date` if it is newer than the one kept (never moves back). */
  async recordReleaseDate(mirror: string, suite: string, date: Date): Promise<void> {
    const seen = await this.newestReleaseDate(mirror, suite);
    if (seen !== undefined && seen >= date) return;
    const body = `${JSON.stringify({ mirror: normalizeMirror(mirror), suite, date: date.toISOString() })}\n`;
    await writeDurably(this.releaseDateFile(mirror, suite), body);
  }

  async #loadKey(): Promise<Buffer> {
    const path = join(this.dir, "cache-seal.key");
    const existing = await readKey(path);
    if (existing !== undefined) return existing;
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw stateError(`cannot create the state directory ${this.dir}`, err);
    }
    // Written under a temp name, then hard-linked into place: link fails if another process
    // made the key first, and then both use that one.
    const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
    try {
      await writeDurably(tmp, randomBytes(keyBytes), false);
      await link(tmp, path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "EEXIST") throw stateError(`cannot write the cache key ${path}`, err);
      });
    } finally {
      await unlink(tmp).catch(() => {});
    }
    const key = await readKey(path);
    if (key === undefined) throw stateError(`the cache key ${path} vanished while it was made`);
    return key;
  }
}

async function readKey(path: string): Promise<Buffer | undefined> {
  let key: Buffer;
  try {
    key = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw stateError(`cannot read the cache key ${path}`, err);
  }
  if (key.length !== keyBytes) {
    throw stateError(
      `the cache key ${path} is ${key.length} bytes, not ${keyBytes}`,
      undefined,
      `delete ${path}; a new key is made on the next run (cached parsed indexes and unpacked packages are made again)`,
    );
  }
  return key;
}

/** Temp file, fsync, rename (or leave at `path` when rename is false): never a half-written file. */
async function writeDurably(path: string, data: string | Buffer, viaRename = true): Promise<void> {
  const dir = join(path, "..");
  await mkdir(dir, { recursive: true, mode: 0o700 }).catch((err: unknown) => {
    throw stateError(`cannot create ${dir}`, err);
  });
  const tmp = viaRename ? `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}` : path;
  try {
    const fh = await open(tmp, "wx", 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (viaRename) await rename(tmp, path);
  } catch (err) {
    if (viaRename) await unlink(tmp).catch(() => {});
    throw stateError(`cannot write ${path}`, err);
  }
}

function normalizeMirror(mirror: string): string {
  return mirror.replace(/\/+$/, "");
}

function stateError(message: string, cause?: unknown, hint?: string): BrokkrError {
  return new BrokkrError("io", message, {
    hint: hint ?? "set BROKKR_STATE_DIR to a directory this user can write (it must survive cache clean-ups)",
    cause,
  });
}
