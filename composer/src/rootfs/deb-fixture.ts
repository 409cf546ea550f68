// Test-only writers for tar, ar and .deb fixtures: they produce the odd cases (pax globals,
// base-256 numbers, ".." paths, broken checksums) that dpkg-deb and GNU tar will not.

import { execFileSync } from "node:child_process";
import zlib from "node:zlib";

export interface FixtureEntry {
  path: string;
  /** Tar type flag: "0" file, "1" hard link, "2" symlink, "3" char, "5" dir, "x"/"g" pax, "L"/"K" GNU. */
  flag?: string;
  data?: Buffer | string;
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Write numeric fields in GNU base-256 instead of octal. */
  base256?: boolean;
  /** Corrupt the header checksum. */
  badChecksum?: boolean;
}

function writeOctal(block: Buffer, offset: number, len: number, value: number, base256: boolean): void {
  if (base256) {
    block[offset] = 0x80;
    let v = BigInt(value);
    for (let i = len - 1; i > 0; i--, v >>= 8n) block[offset + i] = Number(v & 0xffn);
    return;
  }
  block.write(`${value.toString(8).padStart(len - 1, "0")}\0`, offset, len, "latin1");
}

function header(e: FixtureEntry, size: number): Buffer {
  const block = Buffer.alloc(512);
  block.write(e.path, 0, 100, "utf8");
  writeOctal(block, 100, 8, e.mode ?? 0o644, false);
  writeOctal(block, 108, 8, e.uid ?? 0, e.base256 ?? false);
  writeOctal(block, 116, 8, e.gid ?? 0, e.base256 ?? false);
  writeOctal(block, 124, 12, size, false);
  writeOctal(block, 136, 12, e.mtime ?? 1_600_000_000, e.base256 ?? false);
  block.write(e.flag ?? "0", 156, 1, "latin1");
  block.write(e.linkname ?? "", 157, 100, "utf8");
  block.write("ustar\x0000", 257, 8, "latin1");
  block.write(e.uname ?? "root", 265, 32, "utf8");
  block.write(e.gname ?? "root", 297, 32, "utf8");
  writeOctal(block, 329, 8, e.devmajor ?? 0, false);
  writeOctal(block, 337, 8, e.devminor ?? 0, false);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  writeOctal(block, 148, 7, e.badChecksum ? sum + 1 : sum, false);
  return block;
}

/** A tar archive of the given raw entries, ended by two zero blocks. */
export function writeTar(entries: FixtureEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = typeof e.data === "string" ? Buffer.from(e.data) : (e.data ?? Buffer.alloc(0));
    parts.push(header(e, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** One pax record, "<len> key=value\n", whose length counts itself. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len)
    len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

/** An ar archive in dpkg's common format (names up to 15 characters). */
export function writeAr(members: { name: string; data: Buffer }[]): Buffer {
  const parts: Buffer[] = [Buffer.from("!<arch>\n")];
  for (const m of members) {
    const h =
      m.name.padEnd(16) +
      "0".padEnd(12) +
      "0".padEnd(6) +
      "0".padEnd(6) +
      "100644".padEnd(8) +
      String(m.data.length).padEnd(10) +
      "`\n";
    parts.push(Buffer.from(h, "latin1"), m.data);
    if (m.data.length % 2) parts.push(Buffer.from("\n"));
  }
  return Buffer.concat(parts);
}

export function compressFixture(data: Buffer, kind: "gz" | "xz" | "zst" | "none"): Buffer {
  if (kind === "gz") return zlib.gzipSync(data);
  if (kind === "zst")
    return zlib.zstdCompressSync(data, { params: { [zlib.constants.ZSTD_c_checksumFlag]: 1 } });
  if (kind === "xz") return execFileSync("xz", ["-c", "-T1"], { input: data, maxBuffer: 1 << 30 });
  return data;
}

/** A .deb from a control text and a data.tar, built by our own writers. */
export function writeDeb(
  control: string,
  dataTar: Buffer,
  kind: "gz" | "xz" | "zst" | "none" = "gz",
): Buffer {
  const controlTar = writeTar([
    { path: "./", flag: "5", mode: 0o755 },
    { path: "./control", data: control },
  ]);
  const ext = kind === "none" ? "" : `.${kind}`;
  return writeAr([
    { name: "debian-binary", data: Buffer.from("2.0\n") },
    { name: "control.tar.gz", data: zlib.gzipSync(controlTar) },
    { name: `data.tar${ext}`, data: compressFixture(dataTar, kind) },
  ]);
}
