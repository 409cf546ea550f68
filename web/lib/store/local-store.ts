// The local directory store: <root>/sha256/<first two hex digits>/<sha256> (the layout stores
// have always had, so existing data stays readable). An attempt stages into
// <root>/incoming/<attempt>/; publish() renames into sha256/ and fsyncs, so a name in sha256/
// always holds exactly the bytes it names, survives a crash once published, and is never partial.
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { blobKey, checkAttempt, HashingStream, isSha256, missing } from "./names.ts";
import type { BlobStore, ByteRange, ListedBlob, Staging, StoredBlob, SweepReport, VerifyResult } from "./types.ts";

export class LocalStore implements BlobStore {
  readonly kind = "local";
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  pathOf(sha256: string): string {
    return join(this.root, blobKey(sha256));
  }

  localPath(sha256: string): string {
    return this.pathOf(sha256);
  }

  async put(data: Buffer | Readable): Promise<StoredBlob> {
    const staging = this.stage(`put-${randomUUID()}`);
    try {
      const blob = await staging.put(data);
      await staging.publish();
      return blob;
    } finally {
      await staging.discard();
    }
  }

  async moveIn(file: string): Promise<StoredBlob> {
    const staging = this.stage(`move-${randomUUID()}`);
    try {
      const blob = await staging.moveIn(file);
      await staging.publish();
      return blob;
    } finally {
      await staging.discard();
    }
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== undefined;
  }

  async size(sha256: string): Promise<number | undefined> {
    const s = await stat(this.pathOf(sha256)).catch(() => undefined);
    return s?.isFile() ? s.size : undefined;
  }

  async open(sha256: string, range?: ByteRange): Promise<Readable> {
    const file = await open(this.pathOf(sha256), "r").catch((err: unknown) => {
      throw missing(sha256, err);
    });
    return file.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async read(sha256: string): Promise<Buffer> {
    return readFile(this.pathOf(sha256)).catch((err: unknown) => {
      throw missing(sha256, err);
    });
  }

  async verify(sha256: string): Promise<VerifyResult> {
    if (!(await this.has(sha256))) return "missing";
    return (await hashFile(this.pathOf(sha256))).sha256 === sha256 ? "ok" : "corrupt";
  }

  async delete(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }

  async *list(): AsyncIterable<ListedBlob> {
    const top = join(this.root, "sha256");
    for (const hh of await readdir(top).catch(() => [] as string[])) {
      for (const name of await readdir(join(top, hh)).catch(() => [] as string[])) {
        // Temp names of older versions (<sha>.tmp-…) and anything else that is not a blob.
        if (!isSha256(name) || name.slice(0, 2) !== hh) continue;
        const s = await stat(join(top, hh, name)).catch(() => undefined);
        if (s?.isFile()) yield { sha256: name, size: s.size, modified: s.mtime };
      }
    }
  }

  stage(attempt: string): Staging {
    return new LocalStaging(this.root, checkAttempt(attempt));
  }

  async sweep(olderThan: Date): Promise<SweepReport> {
    let removedStaged = 0;
    const incoming = join(this.root, "incoming");
    for (const name of await readdir(incoming).catch(() => [] as string[])) {
      const s = await stat(join(incoming, name)).catch(() => undefined);
      if (!s || s.mtime >= olderThan) continue;
      removedStaged += (await readdir(join(incoming, name)).catch(() => [])).length;
      await rm(join(incoming, name), { recursive: true, force: true });
    }
    // Older versions of this store wrote <sha>.tmp-<random> beside the blobs.
    const top = join(this.root, "sha256");
    for (const hh of await readdir(top).catch(() => [] as string[])) {
      for (const name of await readdir(join(top, hh)).catch(() => [] as string[])) {
        if (!name.includes(".tmp-")) continue;
        const s = await stat(join(top, hh, name)).catch(() => undefined);
        if (s && s.mtime < olderThan) {
          await rm(join(top, hh, name), { force: true });
          removedStaged++;
        }
      }
    }
    return { removedStaged, abortedUploads: 0 };
  }
}

class LocalStaging implements Staging {
  readonly attempt: string;
  private readonly root: string;
  private readonly dir: string;
  private readonly staged = new Map<string, StoredBlob>();

  constructor(root: string, attempt: string) {
    this.root = root;
    this.attempt = attempt;
    this.dir = join(root, "incoming", attempt);
  }

  /**
   * Renames the file into this attempt's directory first (under a name nobody else knows), then
   * hashes what is there: the hash is of the bytes that will be published, not of a path that
   * someone could still swap. The builder that wrote the file has exited by now.
   */
  async moveIn(file: string): Promise<StoredBlob> {
    const tmp = await this.tempName();
    try {
      await rename(file, tmp);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
      await copyFile(file, tmp);
      await unlink(file);
    }
    const blob = await hashFile(tmp);
    await syncFile(tmp);
    return this.keep(tmp, blob);
  }

  async put(data: Buffer | Readable): Promise<StoredBlob> {
    const tmp = await this.tempName();
    const hashing = new HashingStream();
    const source = Buffer.isBuffer(data) ? Readable.from([data]) : data;
    await pipeline(source, hashing, createWriteStream(tmp, { flags: "wx" }));
    await syncFile(tmp);
    return this.keep(tmp, { sha256: hashing.digest(), size: hashing.bytes });
  }

  async publish(): Promise<StoredBlob[]> {
    const dirs = new Set<string>();
    for (const blob of this.staged.values()) {
      const target = join(this.root, blobKey(blob.sha256));
      if (!(await mkdir(dirname(target), { recursive: true }))) dirs.add(dirname(target));
      else dirs.add(dirname(target)).add(join(this.root, "sha256")).add(this.root);
      // Over any copy already there: that one is not trusted, this one was just hashed.
      await rename(join(this.dir, blob.sha256), target);
    }
    for (const d of dirs) await syncFile(d);
    const published = [...this.staged.values()];
    this.staged.clear();
    await rm(this.dir, { recursive: true, force: true });
    return published;
  }

  async discard(): Promise<void> {
    this.staged.clear();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async tempName(): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    return join(this.dir, `${randomUUID()}.part`);
  }

  private async keep(tmp: string, blob: StoredBlob): Promise<StoredBlob> {
    await rename(tmp, join(this.dir, blob.sha256));
    this.staged.set(blob.sha256, blob);
    return blob;
  }
}

/** fsync of a file or a directory (a directory's entries: the renames into it). */
async function syncFile(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function hashFile(file: string): Promise<StoredBlob> {
  const hashing = new HashingStream();
  await pipeline(createReadStream(file), hashing, async (source: AsyncIterable<Buffer>) => {
    for await (const _ of source);
  });
  return { sha256: hashing.digest(), size: hashing.bytes };
}
