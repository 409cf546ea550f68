// Boot artifacts from a finished tree: the initramfs and the UKI. The disks are the chains' (chains/).
import { createHash } from "node:crypto";
import zlib from "node:zlib";
import { buildUki } from "../boot/uki.ts";
import { BrokkrError } from "../errors.ts";
import { writeCpio } from "../formats/cpio.ts";
import type { BlobCache } from "../feeds/debian/cache.ts";
import type { Tree } from "../rootfs/tree.ts";

/**
 * cpio newc of the whole tree, zstd-compressed (the kernel unpacks zstd natively). Two zstd
 * workers, always two: multi-threaded zstd output depends on the job layout, so a count taken
 * from the machine would make the bytes differ between machines.
 * Synchronous on purpose: Node 24.21's callback zstdCompress with workers returns an empty
 * buffer (seen here), and the kernel then saw no initramfs. The workers still run in parallel
 * inside the sync call.
 */
export function buildInitramfs(tree: Tree): Buffer {
  return compressInitramfs(Buffer.concat([...writeCpio(tree.nodes())]));
}

function compressInitramfs(cpio: Buffer): Buffer {
  const out = zlib.zstdCompressSync(cpio, {
    params: {
      [zlib.constants.ZSTD_c_compressionLevel]: 6,
      [zlib.constants.ZSTD_c_checksumFlag]: 1,
      [zlib.constants.ZSTD_c_nbWorkers]: 2,
    },
  });
  // A zstd frame starts with 28 b5 2f fd; anything else (or nothing) must not become an image.
  if (out.length < 8 || out.readUInt32LE(0) !== 0xfd2fb528) {
    throw new BrokkrError("internal", `zstd produced ${out.length} bytes for a ${cpio.length}-byte initramfs`);
  }
  return out;
}

/** Bump when the compression settings change, so cached initramfs files are made again. */
export const initramfsFormat = "zstd-6-w2-v1";

/**
 * buildInitramfs, with the compressed result kept in the cache under the cpio's sha256: an
 * unchanged tree (a rebuild) skips the seconds zstd takes. The entry is sealed to that sha256
 * (feeds/debian/cache.ts), so a damaged or rewritten cache file is made again, never shipped.
 */
export async function buildInitramfsCached(tree: Tree, cache: BlobCache): Promise<Buffer> {
  const nodes = tree.nodes();
  const hash = createHash("sha256");
  for (const chunk of writeCpio(nodes)) hash.update(chunk);
  const key = hash.digest("hex");
  const store = cache.derived("initramfs", initramfsFormat);
  const hit = await store.read(key);
  if (hit) return hit;
  const out = compressInitramfs(Buffer.concat([...writeCpio(nodes)]));
  // The cache only saves time: a cache we cannot write (full, read-only) does not fail the build.
  await store.write(key, out).catch(() => {});
  return out;
}

export function buildUkiImage(opts: {
  stub: Buffer;
  osRelease: string;
  cmdline: string;
  linux: Buffer;
  initrd: Buffer;
  uname: string;
  /** The `.splash` BMP (branding.splash), if any. */
  splash?: Buffer | undefined;
}): Buffer {
  return Buffer.concat(buildUki(opts));
}
