// ISO 9660 writer (ECMA-119) with El Torito boot (the 1995 "El Torito" specification and UEFI
// 2.x §13.3.2) for the EFI system partition image, made hybrid: an MBR in the system area has
// one partition of type 0xEF over the same bytes, so the file also boots when written to a USB
// stick. The volume is flat: a root directory with level-1 (8.3) names, no Joliet, no Rock
// Ridge; the boot images are the point of it.
//
// Layout in 2048-byte blocks: 0–15 system area (the MBR, then what its boot code loads, if
// any), 16 primary volume descriptor, 17 El Torito boot record, 18 terminator, 19/20 path
// tables (little/big endian), 21 root directory, 22 boot catalog, one block per subdirectory
// (when a file's name is a path), the extra files, then the BIOS image (when given) and the
// ESP image last: a catalog sector count of 0 means "the ESP runs to the end of
// the medium" (UEFI 2.x), which an ESP over 32 MiB needs, since the count is 16 bits of
// 512-byte sectors.

import { BrokkrError } from "../errors.ts";

export const ISO_BLOCK = 2048;

export interface IsoFile {
  /**
   * Level-1 name in the root directory, e.g. "README.TXT" (upper case, 8.3), or a path to one
   * in subdirectories named with 1–8 of A–Z, 0–9, _ (e.g. "EFI/DEBIAN/GRUB.CFG").
   */
  name: string;
  data: Buffer;
}

/**
 * The BIOS El Torito entry (no emulation), the hook for a BIOS loader such as Limine's
 * limine-bios-cd.bin or GRUB's eltorito.img. It becomes the default entry; the ESP moves to a
 * section of its own with platform 0xEF, as xorriso does with `-b ... -eltorito-alt-boot -e ...`.
 */
export interface BiosBootImage {
  /** Level-1 name of the image in the root directory, e.g. "BIOSBOOT.BIN". */
  name: string;
  data: Buffer;
  /** 512-byte sectors the BIOS loads; 4 (one CD block) by default, as mkisofs's -boot-load-size 4. */
  loadSectors?: number;
  /** Patch the 56-byte boot info table at byte 8 of the image (mkisofs -boot-info-table). */
  bootInfoTable?: boolean;
}

export interface IsoOptions {
  /** Up to 32 of A–Z, 0–9 and "_". */
  volumeId: string;
  /** Seconds since the epoch, for every date. */
  mtime: number;
  /** A FAT image holding \EFI\BOOT\BOOT<arch>.EFI; a multiple of 2048 bytes. */
  efiBootImage: Buffer;
  /** Its name in the root directory; "EFIBOOT.IMG" by default. */
  efiBootName?: string;
  biosBootImage?: BiosBootImage;
  /**
   * Bytes 0..439 of the MBR: an isohybrid BIOS stage for USB-stick boot (e.g. Limine's, which
   * `limine bios-install` would otherwise write). Zero by default: USB boot is UEFI only. With
   * it the MBR partition is marked active, as `limine bios-install` does for old BIOSes.
   */
  mbrBootCode?: Buffer;
  /**
   * What the MBR boot code loads next, written right after the MBR (from byte 512) in the
   * system area, which ends where the volume descriptors start: at most 32,256 bytes.
   */
  mbrStage2?: Buffer;
  /** The MBR disk signature (bytes 440..443). */
  diskId: number;
  /** More files, in the root directory or below it. */
  files?: IsoFile[];
}

export interface IsoLayout {
  totalBlocks: number;
  catalogBlock: number;
  efiBlock: number;
  biosBlock: number | undefined;
}

const PVD_BLOCK = 16;
const PATH_L_BLOCK = 19;
const PATH_M_BLOCK = 20;
const ROOT_BLOCK = 21;
const CATALOG_BLOCK = 22;
const FIRST_FILE_BLOCK = 23;
const NAME_RE = /^[A-Z0-9_]{1,8}(\.[A-Z0-9_]{1,3})?$/;
const DIR_RE = /^[A-Z0-9_]{1,8}$/;

/** The ISO as chunks to write in order (the ESP image is passed through, not copied). */
export function writeIso9660(opts: IsoOptions): { chunks: Buffer[]; layout: IsoLayout } {
  if (!/^[A-Z0-9_]{1,32}$/.test(opts.volumeId)) invalid(`volume id "${opts.volumeId}" must be 1–32 of A–Z, 0–9, _`);
  if (opts.efiBootImage.length === 0 || opts.efiBootImage.length % ISO_BLOCK !== 0) {
    invalid(`the ESP image is ${opts.efiBootImage.length} bytes, not a non-zero multiple of ${ISO_BLOCK}`);
  }
  if (opts.mbrBootCode && opts.mbrBootCode.length > 440) invalid("the MBR boot code is longer than 440 bytes");
  if (opts.mbrStage2 && opts.mbrStage2.length > PVD_BLOCK * ISO_BLOCK - 512) {
    invalid(`the MBR's stage 2 is ${opts.mbrStage2.length} bytes, more than the system area's ${PVD_BLOCK * ISO_BLOCK - 512}`);
  }
  const bios = opts.biosBootImage;
  const extra = opts.files ?? [];
  const efiName = opts.efiBootName ?? "EFIBOOT.IMG";
  const dirs = directories(extra);

  // Extents: catalog, subdirectories, extra files, BIOS image, then the ESP image last.
  const extents: { name: string; block: number; data: Buffer }[] = [];
  const dirBlocks = new Map<string, number>([["", ROOT_BLOCK], ...dirs.map((d, i) => [d, FIRST_FILE_BLOCK + i] as const)]);
  let next = FIRST_FILE_BLOCK + dirs.length;
  const place = (name: string, data: Buffer) => {
    const e = { name, block: next, data };
    extents.push(e);
    next += Math.ceil(data.length / ISO_BLOCK);
    return e;
  };
  const catalog = { name: "BOOT.CAT", block: CATALOG_BLOCK, data: Buffer.alloc(ISO_BLOCK) };
  extents.push(catalog);
  for (const f of extra) place(f.name, f.data);
  const biosExtent = bios ? place(bios.name, Buffer.from(bios.data)) : undefined;
  const efiExtent = place(efiName, opts.efiBootImage);
  const totalBlocks = next;
  checkNames(extents.map((e) => e.name), dirs);

  const head = Buffer.alloc((FIRST_FILE_BLOCK + dirs.length) * ISO_BLOCK);
  writeMbr(head, opts, efiExtent.block, opts.efiBootImage.length);
  const stamp = opts.mtime;
  const pathTableSize = writePathTables(head, dirs, dirBlocks);
  writePvd(head.subarray(PVD_BLOCK * ISO_BLOCK), opts.volumeId, totalBlocks, stamp, pathTableSize);
  writeBootRecord(head.subarray(17 * ISO_BLOCK), CATALOG_BLOCK);
  writeTerminator(head.subarray(18 * ISO_BLOCK));
  for (const [dir, block] of dirBlocks) {
    const parent = dirBlocks.get(dir.includes("/") ? dir.slice(0, dir.lastIndexOf("/")) : "")!;
    const entries = [
      ...extents.filter((e) => parentOf(e.name) === dir).map((e) => ({ ...e, name: baseName(e.name), dir: false })),
      ...dirs.filter((d) => parentOf(d) === dir).map((d) => ({ name: baseName(d), block: dirBlocks.get(d)!, data: DIR_DATA, dir: true })),
    ];
    writeDirectory(head.subarray(block * ISO_BLOCK), { self: block, parent: dir === "" ? block : parent }, entries, stamp);
  }
  if (biosExtent && bios) {
    if (bios.bootInfoTable) patchBootInfoTable(biosExtent.data, biosExtent.block);
    writeCatalog(catalog.data, {
      bios: { block: biosExtent.block, sectors: bios.loadSectors ?? 4 },
      efi: { block: efiExtent.block, bytes: opts.efiBootImage.length },
    });
  } else {
    writeCatalog(catalog.data, { efi: { block: efiExtent.block, bytes: opts.efiBootImage.length } });
  }
  catalog.data.copy(head, CATALOG_BLOCK * ISO_BLOCK);

  const chunks: Buffer[] = [head];
  for (const e of extents) {
    if (e === catalog) continue;
    chunks.push(e.data);
    const pad = (ISO_BLOCK - (e.data.length % ISO_BLOCK)) % ISO_BLOCK;
    if (pad > 0) chunks.push(Buffer.alloc(pad));
  }
  return {
    chunks,
    layout: { totalBlocks, catalogBlock: CATALOG_BLOCK, efiBlock: efiExtent.block, biosBlock: biosExtent?.block },
  };
}

/**
 * The 512-byte sector where the ESP image will start, known before the ESP is written: its FAT
 * boot sector's hidden-sectors field should hold it, as for any partition.
 */
export function efiImageSector(opts: Pick<IsoOptions, "files" | "biosBootImage">): number {
  const blocks = [...(opts.files ?? []), ...(opts.biosBootImage ? [opts.biosBootImage] : [])].reduce(
    (n, f) => n + Math.ceil(f.data.length / ISO_BLOCK),
    FIRST_FILE_BLOCK + directories(opts.files ?? []).length,
  );
  return blocks * (ISO_BLOCK / 512);
}

/**
 * The block where the BIOS boot image will start, known before it is written: a loader whose MBR
 * code or blocklist points into its own image (GRUB's core.img) needs it.
 */
export function biosImageBlock(opts: Pick<IsoOptions, "files">): number {
  const files = opts.files ?? [];
  return files.reduce((n, f) => n + Math.ceil(f.data.length / ISO_BLOCK), FIRST_FILE_BLOCK + directories(files).length);
}

/** A placeholder extent for a subdirectory's record: one block. */
const DIR_DATA = Buffer.alloc(ISO_BLOCK);

const parentOf = (path: string) => (path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "");
const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1);

/**
 * The subdirectories the files' paths name, in path-table order (ECMA-119 §9.4: by level, then
 * by parent, then by name), which is also the order of their blocks.
 */
function directories(files: readonly IsoFile[]): string[] {
  const all = new Set<string>();
  for (const f of files) {
    for (let d = parentOf(f.name); d !== ""; d = parentOf(d)) all.add(d);
  }
  const order = [""];
  for (let i = 0; i < order.length; i++) {
    const children = [...all].filter((d) => parentOf(d) === order[i]).sort((a, c) => (a < c ? -1 : a > c ? 1 : 0));
    order.push(...children);
  }
  return order.slice(1);
}

function checkNames(paths: string[], dirs: readonly string[]): void {
  const seen = new Set<string>(dirs);
  for (const d of dirs) {
    if (!DIR_RE.test(baseName(d))) invalid(`"${d}" is not an ISO 9660 level-1 directory name (1–8 of A–Z 0–9 _)`);
  }
  if (dirs.some((d) => d.split("/").length > 7)) invalid("directories are nested deeper than ISO 9660's 8 levels");
  for (const n of paths) {
    if (!NAME_RE.test(baseName(n))) invalid(`"${n}" is not an ISO 9660 level-1 name (8.3, A–Z 0–9 _)`);
    if (seen.has(n)) invalid(`"${n}" is in the ${parentOf(n) ? `directory ${parentOf(n)}` : "root directory"} twice`);
    seen.add(n);
  }
}

/** A protective-style MBR with one 0xEF partition over the ESP image (512-byte LBAs). */
function writeMbr(head: Buffer, opts: IsoOptions, efiBlock: number, efiBytes: number): void {
  opts.mbrBootCode?.copy(head, 0);
  opts.mbrStage2?.copy(head, 512);
  head.writeUInt32LE(opts.diskId >>> 0, 440);
  const start = efiBlock * (ISO_BLOCK / 512);
  const count = efiBytes / 512;
  const e = 446;
  head[e] = opts.mbrBootCode ? 0x80 : 0x00; // no boot code: nothing for a BIOS to start here
  writeChs(head, e + 1, start);
  head[e + 4] = 0xef;
  writeChs(head, e + 5, start + count - 1);
  head.writeUInt32LE(start, e + 8);
  head.writeUInt32LE(count, e + 12);
  head[510] = 0x55;
  head[511] = 0xaa;
}

/** CHS with the usual 255 heads × 63 sectors geometry, or the "beyond CHS" marker. */
function writeChs(b: Buffer, off: number, lba: number): void {
  const c = Math.floor(lba / (255 * 63));
  if (c > 1023) {
    b.set([0xfe, 0xff, 0xff], off);
    return;
  }
  const h = Math.floor(lba / 63) % 255;
  const s = (lba % 63) + 1;
  b.set([h, s | ((c >> 2) & 0xc0), c & 0xff], off);
}

function both16(b: Buffer, off: number, v: number): void {
  b.writeUInt16LE(v, off);
  b.writeUInt16BE(v, off + 2);
}

function both32(b: Buffer, off: number, v: number): void {
  b.writeUInt32LE(v, off);
  b.writeUInt32BE(v, off + 4);
}

function padded(b: Buffer, off: number, len: number, text: string): void {
  b.write(text.padEnd(len, " "), off, len, "latin1");
}

/** The 17-byte volume date: "YYYYMMDDHHMMSScc" and a zero UTC offset. */
function volumeDate(b: Buffer, off: number, seconds: number | undefined): void {
  if (seconds === undefined) {
    b.write("0000000000000000", off, "latin1");
    return;
  }
  const iso = new Date(seconds * 1000).toISOString(); // 2024-01-02T03:04:05.000Z
  b.write(`${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}00`, off, "latin1");
  b[off + 16] = 0;
}

/** The 7-byte directory record date. */
function recordDate(b: Buffer, off: number, seconds: number): void {
  const d = new Date(seconds * 1000);
  b.set([d.getUTCFullYear() - 1900, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), 0], off);
}

function writePvd(b: Buffer, volumeId: string, totalBlocks: number, stamp: number, pathTableSize: number): void {
  b[0] = 1;
  b.write("CD001", 1, "latin1");
  b[6] = 1;
  padded(b, 8, 32, "");
  padded(b, 40, 32, volumeId);
  both32(b, 80, totalBlocks);
  both16(b, 120, 1);
  both16(b, 124, 1);
  both16(b, 128, ISO_BLOCK);
  both32(b, 132, pathTableSize); // 10 bytes with only the root
  b.writeUInt32LE(PATH_L_BLOCK, 140);
  b.writeUInt32BE(PATH_M_BLOCK, 148);
  writeRecord(b, 156, { block: ROOT_BLOCK, size: ISO_BLOCK, dir: true, id: Buffer.from([0]), stamp });
  padded(b, 190, 128, "");
  padded(b, 318, 128, "");
  padded(b, 446, 128, "");
  padded(b, 574, 128, "BROKKR");
  padded(b, 702, 37 * 3, "");
  volumeDate(b, 813, stamp);
  volumeDate(b, 830, stamp);
  volumeDate(b, 847, undefined);
  volumeDate(b, 864, undefined);
  b[881] = 1;
}

function writeBootRecord(b: Buffer, catalogBlock: number): void {
  b[0] = 0;
  b.write("CD001", 1, "latin1");
  b[6] = 1;
  b.write("EL TORITO SPECIFICATION", 7, "latin1"); // zero-padded to 32 bytes
  b.writeUInt32LE(catalogBlock, 71);
}

function writeTerminator(b: Buffer): void {
  b[0] = 255;
  b.write("CD001", 1, "latin1");
  b[6] = 1;
}

/** Both path tables: the root, then `dirs` in their order; returns the size of one. */
function writePathTables(head: Buffer, dirs: readonly string[], blocks: ReadonlyMap<string, number>): number {
  const l = PATH_L_BLOCK * ISO_BLOCK;
  const m = PATH_M_BLOCK * ISO_BLOCK;
  const numbers = new Map<string, number>([["", 1]]);
  let off = 0;
  for (const [i, dir] of ["", ...dirs].entries()) {
    numbers.set(dir, i + 1);
    const id = dir === "" ? Buffer.from([0]) : Buffer.from(baseName(dir), "latin1"); // the root's is one zero byte
    const parent = numbers.get(parentOf(dir))!;
    const len = 8 + id.length + (id.length % 2);
    if (off + len > ISO_BLOCK) invalid("too many directories for a one-block path table");
    head[l + off] = head[m + off] = id.length;
    head.writeUInt32LE(blocks.get(dir)!, l + off + 2);
    head.writeUInt16LE(parent, l + off + 6);
    head.writeUInt32BE(blocks.get(dir)!, m + off + 2);
    head.writeUInt16BE(parent, m + off + 6);
    id.copy(head, l + off + 8);
    id.copy(head, m + off + 8);
    off += len;
  }
  return off;
}

interface RecordInput {
  block: number;
  size: number;
  dir: boolean;
  id: Buffer;
  stamp: number;
}

/** Writes one directory record at `off`; returns its length. */
function writeRecord(b: Buffer, off: number, r: RecordInput): number {
  const len = 33 + r.id.length + (r.id.length % 2 === 0 ? 1 : 0);
  b[off] = len;
  both32(b, off + 2, r.block);
  both32(b, off + 10, r.size);
  recordDate(b, off + 18, r.stamp);
  b[off + 25] = r.dir ? 2 : 0;
  both16(b, off + 28, 1);
  b[off + 32] = r.id.length;
  r.id.copy(b, off + 33);
  return len;
}

function writeDirectory(
  b: Buffer,
  where: { self: number; parent: number },
  entries: { name: string; block: number; data: Buffer; dir: boolean }[],
  stamp: number,
): void {
  let off = writeRecord(b, 0, { block: where.self, size: ISO_BLOCK, dir: true, stamp, id: Buffer.from([0]) });
  off += writeRecord(b, off, { block: where.parent, size: ISO_BLOCK, dir: true, stamp, id: Buffer.from([1]) });
  // ECMA-119 §9.3: records sorted by identifier.
  const sorted = [...entries].sort((a, c) => (a.name < c.name ? -1 : a.name > c.name ? 1 : 0));
  for (const e of sorted) {
    const id = Buffer.from(e.dir ? e.name : `${e.name.includes(".") ? e.name : `${e.name}.`};1`, "latin1");
    if (off + 33 + id.length + 1 > ISO_BLOCK) invalid("too many files for a one-block directory");
    off += writeRecord(b, off, { block: e.block, size: e.data.length, dir: e.dir, id, stamp });
  }
}

interface CatalogInput {
  bios?: { block: number; sectors: number };
  efi: { block: number; bytes: number };
}

function writeCatalog(b: Buffer, c: CatalogInput): void {
  // Validation entry: its platform is the default entry's.
  b[0] = 1;
  b[1] = c.bios ? 0x00 : 0xef;
  b.write("BROKKR", 4, "latin1");
  b[30] = 0x55;
  b[31] = 0xaa;
  let sum = 0;
  for (let i = 0; i < 32; i += 2) sum += b.readUInt16LE(i);
  b.writeUInt16LE((0x10000 - (sum & 0xffff)) & 0xffff, 28);
  // Sector counts are 16-bit; 0 tells UEFI the ESP runs to the end of the medium.
  const efiSectors = c.efi.bytes / 512 > 0xffff ? 0 : c.efi.bytes / 512;
  if (c.bios) {
    writeBootEntry(b, 32, c.bios.block, c.bios.sectors);
    b[64] = 0x91; // the last section header
    b[65] = 0xef;
    b.writeUInt16LE(1, 66);
    writeBootEntry(b, 96, c.efi.block, efiSectors);
  } else {
    writeBootEntry(b, 32, c.efi.block, efiSectors);
  }
}

function writeBootEntry(b: Buffer, off: number, block: number, sectors: number): void {
  b[off] = 0x88; // bootable
  b[off + 1] = 0; // no emulation
  b.writeUInt16LE(sectors, off + 6);
  b.writeUInt32LE(block, off + 8);
}

/** mkisofs's boot info table: the PVD's block, the image's block and length, a checksum. */
function patchBootInfoTable(image: Buffer, block: number): void {
  if (image.length < 64) invalid("the BIOS boot image is too small for a boot info table");
  image.fill(0, 8, 64);
  let sum = 0;
  for (let i = 64; i + 4 <= image.length; i += 4) sum = (sum + image.readUInt32LE(i)) >>> 0;
  image.writeUInt32LE(PVD_BLOCK, 8);
  image.writeUInt32LE(block, 12);
  image.writeUInt32LE(image.length, 16);
  image.writeUInt32LE(sum, 20);
}

function invalid(message: string): never {
  throw new BrokkrError("image.invalid", `iso9660: ${message}`);
}
