// GPT disk writer (UEFI specification, chapter 5): protective MBR, primary header and 128
// entries at LBA 1–33, backup entries and header in the last 33 sectors. The disk file is
// created at full size with ftruncate and only non-zero data is written, so it stays sparse.

import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { open, rename, rm } from "node:fs/promises";
import { crc32 } from "node:zlib";
import { BrokkrError } from "../errors.ts";

export const gptTypes = {
  efiSystem: "C12A7328-F81F-11D2-BA4B-00A0C93EC93B",
  linuxFilesystem: "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
  biosBoot: "21686148-6449-6E6F-744E-656564454649",
} as const;

export interface GptPartitionInput {
  /** Up to 36 UTF-16 code units. */
  name: string;
  typeGuid: string;
  guid: string;
  sizeBytes: number;
  attributes?: bigint;
}

export interface GptOptions {
  diskGuid: string;
  sectorSize?: 512;
  /** Partition starts and sizes (and the disk size) are multiples of this; 1 MiB by default. */
  alignBytes?: number;
}

export interface GptPartition extends GptPartitionInput {
  firstLba: number;
  lastLba: number;
  offsetBytes: number;
}

export interface GptLayout {
  sectorSize: 512;
  diskGuid: string;
  totalSectors: number;
  sizeBytes: number;
  firstUsableLba: number;
  lastUsableLba: number;
  backupEntriesLba: number;
  backupHeaderLba: number;
  partitions: GptPartition[];
}

export type PartitionData = Buffer | Iterable<Buffer> | AsyncIterable<Buffer>;

const SECTOR = 512;
const ENTRY_COUNT = 128;
const ENTRY_SIZE = 128;
const ENTRY_SECTORS = (ENTRY_COUNT * ENTRY_SIZE) / SECTOR;
const HEADER_SIZE = 92;
/** Bytes 0..439 of the MBR are left to a BIOS boot stage. */
export const MBR_BOOT_CODE_SIZE = 440;
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ZERO_GUID = "00000000-0000-0000-0000-000000000000";

export function layoutGpt(parts: GptPartitionInput[], opts: GptOptions): GptLayout {
  const align = opts.alignBytes ?? 1024 * 1024;
  if (
    (opts.sectorSize ?? SECTOR) !== SECTOR ||
    !Number.isInteger(align) ||
    align <= 0 ||
    align % SECTOR !== 0
  ) {
    invalid("only 512-byte sectors and alignments that are a multiple of 512 are supported");
  }
  if (parts.length > ENTRY_COUNT) invalid(`at most ${ENTRY_COUNT} partitions fit in the table`);
  checkGuid(opts.diskGuid, "disk GUID");
  const seen = new Set<string>([opts.diskGuid.toUpperCase()]);
  const alignLba = align / SECTOR;
  const firstUsableLba = 2 + ENTRY_SECTORS;
  let next = firstUsableLba;
  const partitions = parts.map((p): GptPartition => {
    checkGuid(p.typeGuid, `type GUID of "${p.name}"`);
    checkGuid(p.guid, `GUID of "${p.name}"`);
    if (seen.has(p.guid.toUpperCase())) invalid(`GUID ${p.guid} of "${p.name}" is used twice`);
    seen.add(p.guid.toUpperCase());
    if (p.name.length > 36) invalid(`partition name "${p.name}" is longer than 36 characters`);
    if (!Number.isSafeInteger(p.sizeBytes) || p.sizeBytes <= 0)
      invalid(`size of "${p.name}" must be positive`);
    const attributes = p.attributes ?? 0n;
    if (attributes < 0n || attributes >= 1n << 64n)
      invalid(`attributes of "${p.name}" do not fit in 64 bits`);
    const firstLba = Math.ceil(next / alignLba) * alignLba;
    // Ends are aligned too (the rest of the last unit is the partition's), as sgdisk expects.
    const lastLba = firstLba + Math.ceil(p.sizeBytes / align) * alignLba - 1;
    next = lastLba + 1;
    return { ...p, firstLba, lastLba, offsetBytes: firstLba * SECTOR };
  });
  // Room for the backup table after the last partition, then round the disk up to the alignment.
  const totalSectors = Math.ceil((next + 1 + ENTRY_SECTORS) / alignLba) * alignLba;
  return {
    sectorSize: SECTOR,
    diskGuid: opts.diskGuid.toUpperCase(),
    totalSectors,
    sizeBytes: totalSectors * SECTOR,
    firstUsableLba,
    lastUsableLba: totalSectors - 2 - ENTRY_SECTORS,
    backupEntriesLba: totalSectors - 1 - ENTRY_SECTORS,
    backupHeaderLba: totalSectors - 1,
    partitions,
  };
}

/** The first 34 sectors (MBR, primary header, entries) and the last 33 (backup entries, header). */
export function buildGptTables(layout: GptLayout, mbrBootCode?: Buffer): { head: Buffer; tail: Buffer } {
  const entries = Buffer.alloc(ENTRY_COUNT * ENTRY_SIZE);
  layout.partitions.forEach((p, i) => {
    const off = i * ENTRY_SIZE;
    encodeGuid(p.typeGuid).copy(entries, off);
    encodeGuid(p.guid).copy(entries, off + 16);
    entries.writeBigUInt64LE(BigInt(p.firstLba), off + 32);
    entries.writeBigUInt64LE(BigInt(p.lastLba), off + 40);
    entries.writeBigUInt64LE(p.attributes ?? 0n, off + 48);
    entries.write(p.name, off + 56, 72, "utf16le");
  });
  const entriesCrc = crc32(entries);
  const head = Buffer.alloc((2 + ENTRY_SECTORS) * SECTOR);
  writeProtectiveMbr(head, layout.totalSectors, mbrBootCode);
  writeHeader(head, SECTOR, layout, 1, layout.backupHeaderLba, 2, entriesCrc);
  entries.copy(head, 2 * SECTOR);
  const tail = Buffer.alloc((1 + ENTRY_SECTORS) * SECTOR);
  entries.copy(tail, 0);
  writeHeader(
    tail,
    ENTRY_SECTORS * SECTOR,
    layout,
    layout.backupHeaderLba,
    1,
    layout.backupEntriesLba,
    entriesCrc,
  );
  return { head, tail };
}

/** Writes the disk image to `path` (atomically, via a temporary file) and returns its layout. */
export async function writeGptDisk(
  path: string,
  parts: { input: GptPartitionInput; data: PartitionData }[],
  opts: GptOptions & { mbrBootCode?: Buffer },
): Promise<GptLayout> {
  const layout = layoutGpt(
    parts.map((p) => p.input),
    opts,
  );
  const { head, tail } = buildGptTables(layout, opts.mbrBootCode);
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, "w");
  try {
    await fh.truncate(layout.sizeBytes);
    await writeAt(fh, head, 0);
    for (const [i, part] of layout.partitions.entries()) {
      let pos = part.offsetBytes;
      for await (const chunk of chunksOf(parts[i]!.data)) {
        if (pos + chunk.length > (part.lastLba + 1) * SECTOR) {
          throw new BrokkrError(
            "image.too-large",
            `gpt: data for "${part.name}" is larger than its partition`,
            {
              hint: `The partition holds ${(part.lastLba + 1 - part.firstLba) * SECTOR} bytes.`,
            },
          );
        }
        await writeSparse(fh, chunk, pos);
        pos += chunk.length;
      }
    }
    await writeAt(fh, tail, layout.backupEntriesLba * SECTOR);
    await fh.close();
    await rename(tmp, path);
  } catch (err) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    if (err instanceof BrokkrError) throw err;
    throw new BrokkrError("io", `gpt: cannot write ${path}`, { cause: err });
  }
  return layout;
}

/** A GUID in RFC 4122 version-4 form whose random bits come from sha256(seed): reproducible disks. */
export function guidFromSeed(seed: string): string {
  const b = createHash("sha256").update(seed).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString("hex").toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** On disk the first three GUID fields are little-endian, the last two are bytes in order. */
function encodeGuid(guid: string): Buffer {
  const b = Buffer.from(guid.replace(/-/g, ""), "hex");
  b.subarray(0, 4).reverse();
  b.subarray(4, 6).reverse();
  b.subarray(6, 8).reverse();
  return b;
}

function writeProtectiveMbr(buf: Buffer, totalSectors: number, bootCode?: Buffer): void {
  if (bootCode) {
    if (bootCode.length > MBR_BOOT_CODE_SIZE)
      invalid(`MBR boot code is larger than ${MBR_BOOT_CODE_SIZE} bytes`);
    bootCode.copy(buf, 0);
  }
  const last = Math.min(totalSectors - 1, 0xffffffff);
  buf.set([0x00, 0x00, 0x02, 0x00, 0xee], 446); // not active; CHS of LBA 1; type "GPT protective"
  buf.set(encodeChs(last), 451);
  buf.writeUInt32LE(1, 454);
  buf.writeUInt32LE(last, 458);
  buf[510] = 0x55;
  buf[511] = 0xaa;
}

/** CHS address with 255 heads and 63 sectors per track; 0xFFFFFF when it does not fit. */
function encodeChs(lba: number): number[] {
  const cylinder = Math.floor(lba / (255 * 63));
  if (cylinder > 1023) return [0xff, 0xff, 0xff];
  const head = Math.floor(lba / 63) % 255;
  const sector = (lba % 63) + 1;
  return [head, sector | ((cylinder >> 2) & 0xc0), cylinder & 0xff];
}

function writeHeader(
  buf: Buffer,
  off: number,
  layout: GptLayout,
  myLba: number,
  alternateLba: number,
  entriesLba: number,
  entriesCrc: number,
): void {
  const h = buf.subarray(off, off + SECTOR);
  h.write("EFI PART", 0, "latin1");
  h.writeUInt32LE(0x00010000, 8);
  h.writeUInt32LE(HEADER_SIZE, 12);
  h.writeBigUInt64LE(BigInt(myLba), 24);
  h.writeBigUInt64LE(BigInt(alternateLba), 32);
  h.writeBigUInt64LE(BigInt(layout.firstUsableLba), 40);
  h.writeBigUInt64LE(BigInt(layout.lastUsableLba), 48);
  encodeGuid(layout.diskGuid).copy(h, 56);
  h.writeBigUInt64LE(BigInt(entriesLba), 72);
  h.writeUInt32LE(ENTRY_COUNT, 80);
  h.writeUInt32LE(ENTRY_SIZE, 84);
  h.writeUInt32LE(entriesCrc, 88);
  h.writeUInt32LE(crc32(h.subarray(0, HEADER_SIZE)), 16);
}

async function* chunksOf(data: PartitionData): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(data)) yield data;
  else yield* data;
}

const ZERO_BLOCK = Buffer.alloc(64 * 1024);

/** Writes the non-zero runs of `chunk`; zero blocks stay holes in the pre-sized file. */
async function writeSparse(fh: FileHandle, chunk: Buffer, pos: number): Promise<void> {
  let runStart = -1;
  for (let off = 0; off < chunk.length; off += ZERO_BLOCK.length) {
    const piece = chunk.subarray(off, off + ZERO_BLOCK.length);
    const zero = piece.equals(ZERO_BLOCK.subarray(0, piece.length));
    if (!zero && runStart < 0) runStart = off;
    if (zero && runStart >= 0) {
      await writeAt(fh, chunk.subarray(runStart, off), pos + runStart);
      runStart = -1;
    }
  }
  if (runStart >= 0) await writeAt(fh, chunk.subarray(runStart), pos + runStart);
}

async function writeAt(fh: FileHandle, buf: Buffer, pos: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, pos + done);
    done += bytesWritten;
  }
}

function checkGuid(guid: string, what: string): void {
  if (!GUID_RE.test(guid)) invalid(`${what} "${guid}" is not a GUID`);
  if (guid === ZERO_GUID) invalid(`${what} must not be all zeros`);
}

function invalid(message: string): never {
  throw new BrokkrError("image.invalid", `gpt: ${message}`);
}
