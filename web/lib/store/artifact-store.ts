// Content-addressed artifact store: <root>/sha256/<first two hex digits>/<sha256>. A file enters
// it by rename from a staging directory on the same file system, after its hash is known, so a
// name in the store always holds exactly the bytes it names and never a partial file.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, mkdir, rename, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { BrokkrError } from "../../../composer/src/errors.ts";

const hexPattern = /^[0-9a-f]{64}$/;

export interface StoredBlob {
  sha256: string;
  size: number;
}

export class ArtifactStore {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  pathOf(sha256: string): string {
    if (!hexPattern.test(sha256)) throw new BrokkrError("internal", `not a sha256: ${sha256}`);
    return join(this.root, "sha256", sha256.slice(0, 2), sha256);
  }

  /** Moves `file` into the store (the source is gone afterwards) and returns its hash and size. */
  async moveIn(file: string): Promise<StoredBlob> {
    const { sha256, size } = await hashFile(file);
    const target = this.pathOf(sha256);
    await mkdir(join(this.root, "sha256", sha256.slice(0, 2)), { recursive: true });
    if (await isFile(target)) {
      await unlink(file); // same bytes are already there
      return { sha256, size };
    }
    try {
      await rename(file, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
      // Another file system: copy beside the target, then rename, so the target is never partial.
      const tmp = `${target}.tmp-${randomBytes(6).toString("hex")}`;
      await copyFile(file, tmp);
      await rename(tmp, target);
      await unlink(file);
    }
    return { sha256, size };
  }

  /** Stores bytes held in memory (small blobs: uploaded assets); same atomic rename as moveIn. */
  async put(data: Buffer): Promise<StoredBlob> {
    const sha256 = createHash("sha256").update(data).digest("hex");
    const target = this.pathOf(sha256);
    if (!(await isFile(target))) {
      await mkdir(join(this.root, "sha256", sha256.slice(0, 2)), { recursive: true });
      const tmp = `${target}.tmp-${randomBytes(6).toString("hex")}`;
      await writeFile(tmp, data);
      await rename(tmp, target);
    }
    return { sha256, size: data.length };
  }

  async has(sha256: string): Promise<boolean> {
    return isFile(this.pathOf(sha256));
  }
}

export async function hashFile(file: string): Promise<StoredBlob> {
  const hash = createHash("sha256");
  let size = 0;
  await pipeline(createReadStream(file), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      hash.update(chunk);
      size += chunk.length;
    }
  });
  return { sha256: hash.digest("hex"), size };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
