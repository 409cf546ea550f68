// .deb files → the packages' data and control, with the decompressed tars cached by the
// .deb's sha256 so that a warm build skips decompression (the slowest step of a build). The
// cache entries are sealed to that sha256 (feeds/debian/cache.ts), and a .deb is re-hashed as
// it is read, so nothing written into the cache directory by someone else is unpacked.
import { availableParallelism } from "node:os";
import { mapLimit } from "../feeds/debian/http.ts";
import { type BlobCache, readChecked } from "../feeds/debian/cache.ts";
import { readAr } from "../rootfs/ar.ts";
import { type TarEntry, readTar } from "../rootfs/tar.ts";
import { decompress, kindFromName } from "../util/decompress.ts";
import { BrokkrError } from "../errors.ts";

export interface UnpackedDeb {
  sha256: string;
  controlTar: Buffer;
  dataTar: Buffer;
}

// Bump when the cached layout changes, so old entries are not misread.
const layoutVersion = "1";

function memberOf(members: { name: string; data: Buffer }[], prefix: string, deb: string) {
  const m = members.find((x) => x.name.startsWith(prefix));
  if (!m) throw new BrokkrError("deb.invalid", `${deb}: no ${prefix}* member`, { hint: "re-download the package" });
  return m;
}

async function unpackOne(path: string, sha256: string, name: string, cache: BlobCache): Promise<UnpackedDeb> {
  const store = cache.derived("deb-tars", layoutVersion);
  const [c, d] = await Promise.all([store.read(`${sha256}.control.tar`), store.read(`${sha256}.data.tar`)]);
  if (c && d) return { sha256, controlTar: c, dataTar: d };
  const members = readAr(await readChecked(path, sha256, name), name);
  const control = memberOf(members, "control.tar", name);
  const data = memberOf(members, "data.tar", name);
  const [controlTar, dataTar] = await Promise.all([
    decompress(control.data, kindFromName(control.name)),
    decompress(data.data, kindFromName(data.name)),
  ]);
  // Only a time saver: a cache we cannot write (full, read-only, another user's) does not fail the build.
  try {
    await store.write(`${sha256}.data.tar`, dataTar);
    await store.write(`${sha256}.control.tar`, controlTar);
  } catch {
    await store.remove(`${sha256}.data.tar`);
  }
  return { sha256, controlTar, dataTar };
}

export async function unpackDebs(
  debs: { path: string; sha256: string; name: string }[],
  cache: BlobCache,
): Promise<UnpackedDeb[]> {
  return mapLimit(debs, Math.max(2, availableParallelism()), (d) => unpackOne(d.path, d.sha256, d.name, cache));
}

export function controlMembers(controlTar: Buffer, name: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const e of readTar(controlTar, `${name} control.tar`)) {
    if (e.type !== "file") continue;
    files.set(e.path.replace(/^\.?\//, ""), e.data);
  }
  return files;
}

export function dataEntries(dataTar: Buffer, name: string): TarEntry[] {
  return [...readTar(dataTar, `${name} data.tar`)];
}
