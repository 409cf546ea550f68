// FAT directory entries and names: 8.3 short names, their unique "~N" aliases, and the VFAT
// long-name (LFN) entries that precede an alias. Layouts follow Microsoft's FAT specification.

import { BrokkrError } from "../errors.ts";

export const ENTRY_SIZE = 32;
export const ATTR_VOLUME_ID = 0x08;
export const ATTR_DIRECTORY = 0x10;
export const ATTR_ARCHIVE = 0x20;
const ATTR_LONG_NAME = 0x0f;
const LFN_CHARS = 13;
/** Byte offsets of the 13 UTF-16 characters inside one LFN entry. */
const LFN_OFFSETS = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];

// Characters allowed in a short name besides A-Z and 0-9 (no space: legal but badly handled).
const SHORT_EXTRA = new Set("$%'-_@~`!(){}^#&");
const LONG_FORBIDDEN = /["*/:<>?\\|\u0000-\u001f]/;

export interface DosStamp {
  date: number;
  time: number;
  /** Tenths of a second on top of the 2-second time resolution (0 or 100). */
  tenths: number;
}

/** DOS date and time (UTC) from seconds since the epoch, clamped to the 1980–2107 range. */
export function toDosStamp(mtime: number): DosStamp {
  const min = Date.UTC(1980, 0, 1) / 1000;
  const max = Date.UTC(2107, 11, 31, 23, 59, 59) / 1000;
  const d = new Date(Math.min(Math.max(Math.floor(mtime), min), max) * 1000);
  const sec = d.getUTCSeconds();
  return {
    date: ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (sec >> 1),
    tenths: (sec & 1) * 100,
  };
}

function isShortChar(c: string): boolean {
  return (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || SHORT_EXTRA.has(c);
}

/** The 11-byte on-disk form ("BOOTX64 EFI") if `name` is already a valid uppercase 8.3 name. */
export function toShortName(name: string): string | undefined {
  const m = /^([^.]{1,8})(?:\.([^.]{1,3}))?$/.exec(name);
  if (!m) return undefined;
  const base = m[1]!;
  const ext = m[2] ?? "";
  if (![...base, ...ext].every(isShortChar)) return undefined;
  return base.padEnd(8, " ") + ext.padEnd(3, " ");
}

/** A short alias "BASE~N  EXT" for a long name, unique among `used` (which it extends). */
export function makeShortAlias(name: string, used: Set<string>): string {
  const clean = (s: string) =>
    [...s]
      .filter((c) => c !== " " && c !== ".")
      .map((c) => (isShortChar(c.toUpperCase()) && c.charCodeAt(0) < 0x80 ? c.toUpperCase() : "_"))
      .join("");
  const trimmed = name.replace(/^\.+/, "");
  const dot = trimmed.lastIndexOf(".");
  const base = clean(dot > 0 ? trimmed.slice(0, dot) : trimmed) || "_";
  const ext = dot > 0 ? clean(trimmed.slice(dot + 1)).slice(0, 3) : "";
  for (let n = 1; n < 1_000_000; n++) {
    const tail = `~${n}`;
    const alias = (base.slice(0, 8 - tail.length) + tail).padEnd(8, " ") + ext.padEnd(3, " ");
    if (!used.has(alias)) {
      used.add(alias);
      return alias;
    }
  }
  throw new BrokkrError("image.invalid", `fat32: no free short name for "${name}"`);
}

/** Throws unless `name` can be a long file name. */
export function checkLongName(name: string, path: string): void {
  if (name.length === 0 || name.length > 255 || name === "." || name === ".." || LONG_FORBIDDEN.test(name)) {
    throw new BrokkrError("image.invalid", `fat32: "${path}" is not a valid FAT file name`, {
      hint: 'Use 1–255 characters, none of " * / : < > ? \\ | or control characters.',
    });
  }
  if (name.endsWith(".") || name.endsWith(" ")) {
    throw new BrokkrError("image.invalid", `fat32: "${path}" ends with a dot or a space`, {
      hint: "FAT drops trailing dots and spaces; rename the file.",
    });
  }
}

export function checksumShortName(short: string): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum = (((sum & 1) << 7) + (sum >> 1) + short.charCodeAt(i)) & 0xff;
  return sum;
}

/** Number of 32-byte entries a name takes: LFN entries plus the short entry. */
export function countEntries(name: string, needsLfn: boolean): number {
  return 1 + (needsLfn ? Math.ceil(name.length / LFN_CHARS) : 0);
}

/** Writes the LFN entries for `name` at `off`, last part first as the format wants; returns the new offset. */
export function writeLfnEntries(buf: Buffer, off: number, name: string, short: string): number {
  const parts = Math.ceil(name.length / LFN_CHARS);
  const sum = checksumShortName(short);
  for (let k = parts; k >= 1; k--) {
    buf[off] = k | (k === parts ? 0x40 : 0);
    buf[off + 11] = ATTR_LONG_NAME;
    buf[off + 13] = sum;
    for (let j = 0; j < LFN_CHARS; j++) {
      const at = (k - 1) * LFN_CHARS + j;
      // After the name: one NUL, then 0xFFFF filler.
      const unit = at < name.length ? name.charCodeAt(at) : at === name.length ? 0 : 0xffff;
      buf.writeUInt16LE(unit, off + LFN_OFFSETS[j]!);
    }
    off += ENTRY_SIZE;
  }
  return off;
}

export interface ShortEntry {
  short: string;
  attr: number;
  cluster: number;
  size: number;
  stamp: DosStamp;
}

/** Writes one 8.3 directory entry at `off`; returns the new offset. */
export function writeShortEntry(buf: Buffer, off: number, e: ShortEntry): number {
  buf.write(e.short, off, 11, "latin1");
  buf[off + 11] = e.attr;
  buf[off + 13] = e.stamp.tenths;
  buf.writeUInt16LE(e.stamp.time, off + 14);
  buf.writeUInt16LE(e.stamp.date, off + 16);
  buf.writeUInt16LE(e.stamp.date, off + 18);
  buf.writeUInt16LE(e.cluster >>> 16, off + 20);
  buf.writeUInt16LE(e.stamp.time, off + 22);
  buf.writeUInt16LE(e.stamp.date, off + 24);
  buf.writeUInt16LE(e.cluster & 0xffff, off + 26);
  buf.writeUInt32LE(e.size, off + 28);
  return off + ENTRY_SIZE;
}
