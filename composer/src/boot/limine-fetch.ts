// Limine's files from a tarball at a pinned sha256 (BROKKR_LIMINE_URL + BROKKR_LIMINE_SHA256),
// for machines without /usr/share/limine. The tarball is kept in the blob cache by its hash and
// the files Brokkr uses are unpacked once into <cache>/limine/<sha256>/, flattened by name, so
// a GitHub archive of a `-binary` tag (everything under one top directory) works as it is.
// The unpacked directory is derived data: its `.complete` file lists each file's sha256 under a
// seal bound to the tarball's sha256 (feeds/debian/cache.ts), and every file is checked against
// it before use, so files put there by whoever can write the cache are never booted.
import { mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { Readable } from "node:stream";
import zlib from "node:zlib";
import tar from "tar-stream";
import { BrokkrError } from "../errors.ts";
import { type BlobCache, sha256Hex } from "../feeds/debian/cache.ts";
import { getSettings, type Settings } from "../settings/index.ts";
import { findLimineDir } from "./limine.ts";

/** The Limine files we read; anything else in the tarball is skipped. */
const wanted = /^(BOOT(X64|AA64|RISCV64)\.EFI|limine-bios\.sys|limine-bios-hdd\.(h|bin)|limine-bios-cd\.bin)$/;

/** The directory holding Limine's files: unpacked from BROKKR_LIMINE_URL if set, else BROKKR_LIMINE_DIR. */
export async function prepareLimineDir(
  cache: BlobCache,
  settings: Pick<Settings, "limineUrl" | "limineSha256" | "limineDir"> = getSettings(),
): Promise<string> {
  const url = settings.limineUrl;
  if (!url) return findLimineDir(settings);
  const sha256 = settings.limineSha256;
  if (sha256 === undefined) {
    throw new BrokkrError("boot.limine-missing", "BROKKR_LIMINE_URL is set without a BROKKR_LIMINE_SHA256 to check it against", {
      hint: "set BROKKR_LIMINE_SHA256 to the sha256 (64 hex digits) of the tarball",
    });
  }
  const dir = join(cache.root, "limine", sha256);
  if (await isIntact(dir, sha256, cache)) return dir;
  const tarball = (await cache.read(sha256)) ?? (await download(url, sha256, cache));
  await unpackLimine(tarball, dir);
  await writeManifest(dir, sha256, cache);
  return dir;
}

const manifestName = ".complete";
const sealContext = (sha256: string) => `limine\0v1\0${sha256}`;

/** Lists each unpacked file's sha256 in `.complete`, sealed to the tarball's sha256. */
async function writeManifest(dir: string, sha256: string, cache: BlobCache): Promise<void> {
  const files: Record<string, string> = {};
  for (const name of (await readdir(dir)).filter((n) => n !== manifestName).sort()) {
    files[name] = sha256Hex(await readFile(join(dir, name)));
  }
  const chunks = await cache.seal(sealContext(sha256), Buffer.from(JSON.stringify(files)));
  await writeFile(join(dir, manifestName), Buffer.concat(chunks));
}

/** True if `.complete` is sealed for this tarball and the directory holds exactly its files. */
async function isIntact(dir: string, sha256: string, cache: BlobCache): Promise<boolean> {
  try {
    const manifest = await cache.unseal(sealContext(sha256), await readFile(join(dir, manifestName)));
    if (manifest === undefined) return false;
    const files = JSON.parse(manifest.toString("utf8")) as Record<string, string>;
    const present = (await readdir(dir)).filter((n) => n !== manifestName).sort();
    if (present.join("/") !== Object.keys(files).sort().join("/")) return false;
    for (const name of present) {
      if (sha256Hex(await readFile(join(dir, name))) !== files[name]) return false;
    }
    return true;
  } catch {
    return false;
  }
}

async function download(url: string, sha256: string, cache: BlobCache): Promise<Buffer> {
  let data: Buffer;
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    data = Buffer.from(await res.arrayBuffer());
  } catch (cause) {
    throw new BrokkrError("boot.limine-missing", `cannot download Limine from BROKKR_LIMINE_URL (${url})`, {
      hint: "check the URL, or set BROKKR_LIMINE_DIR to a directory with Limine's files",
      cause,
    });
  }
  const got = sha256Hex(data);
  if (got !== sha256) {
    throw new BrokkrError("boot.limine-missing", `the Limine tarball from ${url} has sha256 ${got}, not BROKKR_LIMINE_SHA256 ${sha256}`, {
      hint: "the file changed or the pin is wrong; Brokkr never uses an unverified Limine",
    });
  }
  await cache.write(sha256, data);
  return data;
}

/** Unpacks the wanted files of a (gzip, zstd or plain) tarball into `dir`, atomically. */
export async function unpackLimine(tarball: Buffer, dir: string): Promise<void> {
  const raw =
    tarball[0] === 0x1f && tarball[1] === 0x8b
      ? zlib.gunzipSync(tarball)
      : tarball.readUInt32LE(0) === 0xfd2fb528
        ? zlib.zstdDecompressSync(tarball)
        : tarball;
  const tmp = `${dir}.${process.pid}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  let found = 0;
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => chunks.push(c as Buffer));
      stream.on("error", reject);
      stream.on("end", () => {
        const name = basename(header.name);
        if (header.type === "file" && wanted.test(name)) {
          found++;
          writeFile(join(tmp, name), Buffer.concat(chunks)).then(() => next(), reject);
        } else next();
      });
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
  });
  Readable.from([raw]).pipe(extract);
  try {
    await done;
  } catch (cause) {
    await rm(tmp, { recursive: true, force: true });
    throw new BrokkrError("boot.limine-missing", "the BROKKR_LIMINE_URL tarball is not a readable tar (gzip, zstd or plain)", { cause });
  }
  if (found === 0) {
    await rm(tmp, { recursive: true, force: true });
    throw new BrokkrError("boot.limine-missing", "the BROKKR_LIMINE_URL tarball holds none of Limine's files (BOOT*.EFI, limine-bios.sys)", {
      hint: "use an archive of a Limine binary release (a `-binary` tag)",
    });
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, ".."), { recursive: true });
  await rename(tmp, dir);
}
