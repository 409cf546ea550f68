// A synchronous tar reader over a Buffer holding the whole (decompressed) archive. We already
// hold data.tar in memory, and a sync parser that hands out subarrays is far faster than a
// streaming one. Reads ustar, GNU (long names `L`/`K`, base-256 numbers) and pax (`x`, `g`).

import { BrokkrError } from "../errors.ts";

export type TarEntryType = "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo";

export interface TarEntry {
  /** As stored in the archive, e.g. "./usr/bin/ls" or "./usr/" (the tree normalizes). */
  path: string;
  type: TarEntryType;
  /** Permission bits including setuid/setgid/sticky (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Seconds since the epoch (pax fractions are dropped). */
  mtime: number;
  size: number;
  /** A view into the archive buffer (no copy); empty for non-files. */
  data: Buffer;
  /** Symlink target, or the earlier archive path a hard link points at. */
  linkname: string;
  devmajor: number;
  devminor: number;
}

const BLOCK = 512;
const EMPTY = Buffer.alloc(0);
const ZERO_BLOCK = Buffer.alloc(BLOCK);
const REPLACEMENT = Buffer.from("\ufffd");

const TYPES: Record<string, TarEntryType> = {
  "0": "file",
  "\0": "file",
  "7": "file",
  "1": "hardlink",
  "2": "symlink",
  "3": "char",
  "4": "block",
  "5": "dir",
  D: "dir", // GNU dumpdir: a directory plus a listing we do not need
  "6": "fifo",
};

type Overrides = Partial<
  Pick<TarEntry, "path" | "linkname" | "size" | "mtime" | "uid" | "gid" | "uname" | "gname">
>;

function invalid(archive: string, offset: number, message: string): BrokkrError {
  return new BrokkrError("deb.invalid", `${archive}: ${message} (tar offset ${offset})`, {
    hint: "the package archive is damaged; delete it from the cache and fetch again",
  });
}

/** Decodes a NUL-terminated text field as UTF-8; invalid UTF-8 is refused rather than mangled. */
function readText(buf: Buffer, start: number, len: number): string | null {
  const nul = buf.indexOf(0, start);
  const end = nul < 0 || nul > start + len ? start + len : nul;
  const text = buf.toString("utf8", start, end);
  if (text.includes("\ufffd") && buf.subarray(start, end).indexOf(REPLACEMENT) < 0) return null;
  return text;
}

/** Reads an octal field, or a GNU base-256 one (high bit of the first byte set). */
function readNumber(buf: Buffer, start: number, len: number): number | null {
  const first = buf[start]!;
  if (first & 0x80) {
    let value = BigInt(first & 0x7f);
    for (let i = 1; i < len; i++) value = (value << 8n) | BigInt(buf[start + i]!);
    if (first & 0x40) value -= 1n << BigInt(len * 8 - 1); // negative (two's complement)
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : null;
  }
  let i = start;
  const end = start + len;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0)) i++;
  let value = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) return null;
    value = value * 8 + (c - 0x30);
    digits++;
  }
  for (; i < end; i++) if (buf[i] !== 0 && buf[i] !== 0x20) return null;
  return digits === 0 ? 0 : value;
}

/** Header checksum: unsigned byte sum with the checksum field counted as spaces. */
function checksumMatches(buf: Buffer, pos: number): boolean {
  const stored = readNumber(buf, pos + 148, 8);
  if (stored === null) return false;
  let unsigned = 8 * 0x20;
  let signed = 8 * 0x20;
  for (let i = pos; i < pos + BLOCK; i++) {
    if (i === pos + 148) {
      i += 7;
      continue;
    }
    const b = buf[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed; // some old writers summed signed bytes
}

/** Parses pax records "<len> <key>=<value>\n" into overrides; an empty value unsets a key. */
function readPax(data: Buffer, into: Overrides, archive: string, offset: number): void {
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break; // NUL padding after the last record
    const space = data.indexOf(0x20, pos);
    const len = space < 0 ? Number.NaN : Number(data.toString("latin1", pos, space));
    if (!Number.isInteger(len) || len <= 0 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw invalid(archive, offset, "malformed pax extended header");
    }
    const record = data.toString("utf8", space + 1, pos + len - 1);
    pos += len;
    const eq = record.indexOf("=");
    if (eq < 0) throw invalid(archive, offset, "malformed pax record");
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key.startsWith("GNU.sparse.")) throw invalid(archive, offset, "sparse files are not supported");
    if (key === "path" || key === "linkpath" || key === "uname" || key === "gname") {
      const field = key === "path" ? "path" : key === "linkpath" ? "linkname" : key;
      if (value === "") delete into[field];
      else into[field] = value;
    } else if (key === "size" || key === "mtime" || key === "uid" || key === "gid") {
      if (value === "") {
        delete into[key];
        continue;
      }
      const n = key === "mtime" ? Math.floor(Number(value)) : Number(value);
      if (!Number.isSafeInteger(n) || (key !== "mtime" && n < 0)) {
        throw invalid(archive, offset, `bad pax ${key} ${JSON.stringify(value)}`);
      }
      into[key] = n;
    }
  }
}

/**
 * Yields the entries of a tar archive in order. `archive` names the archive in errors, e.g.
 * "coreutils_9.7-3_amd64.deb: data.tar.xz". A bad header throws BrokkrError "deb.invalid".
 */
export function* iterateTar(buf: Buffer, archive = "archive"): Generator<TarEntry> {
  const globals: Overrides = {};
  let local: Overrides = {};
  let pos = 0;
  while (pos + BLOCK <= buf.length) {
    if (buf.compare(ZERO_BLOCK, 0, BLOCK, pos, pos + BLOCK) === 0) return; // end-of-archive marker
    if (!checksumMatches(buf, pos)) throw invalid(archive, pos, "bad tar header checksum");
    const flag = String.fromCharCode(buf[pos + 156]!);
    const headerSize = readNumber(buf, pos + 124, 12);
    if (headerSize === null || headerSize < 0) throw invalid(archive, pos, "bad size field");
    const size = flag === "5" ? 0 : (local.size ?? globals.size ?? headerSize);
    const dataStart = pos + BLOCK;
    if (dataStart + size > buf.length)
      throw invalid(archive, pos, "entry data runs past the end of the archive");
    const data = buf.subarray(dataStart, dataStart + size);
    const headerPos = pos;
    pos = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (flag === "x") {
      readPax(data, local, archive, headerPos);
      continue;
    }
    if (flag === "g") {
      readPax(data, globals, archive, headerPos);
      continue;
    }
    if (flag === "L" || flag === "K") {
      const text = readText(data, 0, data.length);
      if (text === null) throw invalid(archive, headerPos, "GNU long name is not valid UTF-8");
      if (flag === "L") local.path = text;
      else local.linkname = text;
      continue;
    }
    if (flag === "V") continue; // volume label
    const type = TYPES[flag];
    if (!type) throw invalid(archive, headerPos, `unsupported tar entry type ${JSON.stringify(flag)}`);

    const magic = buf.toString("latin1", headerPos + 257, headerPos + 263);
    const posix = magic === "ustar\0";
    let path = local.path ?? globals.path;
    if (path === undefined) {
      const name = readText(buf, headerPos, 100);
      const prefix = posix ? readText(buf, headerPos + 345, 155) : "";
      if (name === null || prefix === null)
        throw invalid(archive, headerPos, "entry name is not valid UTF-8");
      path = prefix ? `${prefix}/${name}` : name;
    }
    const linkname = local.linkname ?? globals.linkname ?? readText(buf, headerPos + 157, 100);
    const mode = readNumber(buf, headerPos + 100, 8);
    const uid = local.uid ?? globals.uid ?? readNumber(buf, headerPos + 108, 8);
    const gid = local.gid ?? globals.gid ?? readNumber(buf, headerPos + 116, 8);
    const mtime = local.mtime ?? globals.mtime ?? readNumber(buf, headerPos + 136, 12);
    const hasUstar = posix || magic === "ustar ";
    const devmajor = hasUstar ? readNumber(buf, headerPos + 329, 8) : 0;
    const devminor = hasUstar ? readNumber(buf, headerPos + 337, 8) : 0;
    const uname = local.uname ?? globals.uname ?? (hasUstar ? readText(buf, headerPos + 265, 32) : "");
    const gname = local.gname ?? globals.gname ?? (hasUstar ? readText(buf, headerPos + 297, 32) : "");
    if (
      mode === null ||
      uid === null ||
      gid === null ||
      mtime === null ||
      devmajor === null ||
      devminor === null
    ) {
      throw invalid(archive, headerPos, `bad numeric field in the header of ${JSON.stringify(path)}`);
    }
    if (linkname === null || uname === null || gname === null) {
      throw invalid(archive, headerPos, `text field of ${JSON.stringify(path)} is not valid UTF-8`);
    }
    if (path === "") throw invalid(archive, headerPos, "entry with an empty name");
    local = {};
    yield {
      path,
      type,
      mode: mode & 0o7777,
      uid,
      gid,
      uname,
      gname,
      mtime,
      size: type === "file" ? size : 0,
      data: type === "file" ? data : EMPTY,
      linkname: type === "symlink" || type === "hardlink" ? linkname : "",
      devmajor,
      devminor,
    };
  }
  if (pos < buf.length || Object.keys(local).length > 0) throw invalid(archive, pos, "truncated tar archive");
  // A tar without the two zero blocks still parses: dpkg accepts it too.
}

/** All entries of a tar archive, in archive order. */
export function readTar(buf: Buffer, archive = "archive"): TarEntry[] {
  return Array.from(iterateTar(buf, archive));
}
