// Minimal PE/COFF reader and section appender for UEFI images (systemd-stub, EFI-stub kernels).
// It knows just enough of the format to add sections after an image's last one without moving
// anything that is already there: the new headers go into the free slots after the section table.

import { BrokkrError } from "../errors.ts";

export const PE32_MAGIC = 0x10b;
export const PE32PLUS_MAGIC = 0x20b;
export const SUBSYSTEM_EFI_APPLICATION = 10;

export const SCN_CNT_CODE = 0x20;
export const SCN_CNT_INITIALIZED_DATA = 0x40;
export const SCN_MEM_EXECUTE = 0x20000000;
export const SCN_MEM_READ = 0x40000000;

const SECTION_HEADER_SIZE = 40;
const COFF_HEADER_SIZE = 20;
const DATA_DIRECTORY_COUNT = 16;
const CERTIFICATE_DIRECTORY = 4;

export interface PeSection {
  name: string;
  virtualSize: number;
  virtualAddress: number;
  sizeOfRawData: number;
  pointerToRawData: number;
  characteristics: number;
}

export interface PeHeaders {
  machine: number;
  /** PE32_MAGIC or PE32PLUS_MAGIC. */
  magic: number;
  /** File offset of the COFF header (right after "PE\0\0"). */
  coffOffset: number;
  optionalOffset: number;
  sectionTableOffset: number;
  imageBase: bigint;
  sectionAlignment: number;
  fileAlignment: number;
  sizeOfImage: number;
  sizeOfHeaders: number;
  subsystem: number;
  /** Size of the Authenticode certificate table; non-zero means the image is signed. */
  certificateSize: number;
  sections: PeSection[];
}

export interface NewSection {
  /** At most 8 ASCII bytes: systemd-stub does not read the long-name string table. */
  name: string;
  data: Buffer;
  characteristics: number;
  /** Bytes the loader maps; defaults to data.length. Larger values are zero-filled at load. */
  virtualSize?: number;
}

export interface AppendResult {
  /** The image, to be written in order: patched headers and old body, then each section + padding. */
  chunks: Buffer[];
  /** Headers of the appended sections, as written. */
  sections: PeSection[];
  size: number;
}

export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

function invalid(what: string, message: string): BrokkrError {
  return new BrokkrError("boot.pe-invalid", `${what}: ${message}`, {
    hint: "expected a PE/COFF UEFI image, e.g. /usr/lib/systemd/boot/efi/linuxx64.efi.stub from systemd-boot-efi",
  });
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** Reads the headers of a PE32 or PE32+ image; throws boot.pe-invalid on anything malformed. */
export function parsePe(buf: Buffer, what = "PE image"): PeHeaders {
  if (buf.length < 64 || buf.toString("latin1", 0, 2) !== "MZ") throw invalid(what, "no MZ (DOS) header");
  const peOffset = buf.readUInt32LE(0x3c);
  if (peOffset + 4 + COFF_HEADER_SIZE + 2 > buf.length)
    throw invalid(what, "PE header offset points past the end");
  if (buf.readUInt32BE(peOffset) !== 0x50450000) throw invalid(what, "no PE signature");
  const coffOffset = peOffset + 4;
  const machine = buf.readUInt16LE(coffOffset);
  const numberOfSections = buf.readUInt16LE(coffOffset + 2);
  const optionalSize = buf.readUInt16LE(coffOffset + 16);
  const optionalOffset = coffOffset + COFF_HEADER_SIZE;
  const magic = buf.readUInt16LE(optionalOffset);
  if (magic !== PE32_MAGIC && magic !== PE32PLUS_MAGIC) {
    throw invalid(what, `optional header magic 0x${magic.toString(16)} is neither PE32 nor PE32+`);
  }
  const plus = magic === PE32PLUS_MAGIC;
  const directoriesOffset = optionalOffset + (plus ? 112 : 96);
  if (optionalSize < directoriesOffset - optionalOffset || optionalOffset + optionalSize > buf.length) {
    throw invalid(what, `optional header of ${optionalSize} bytes is too short or truncated`);
  }
  const sectionAlignment = buf.readUInt32LE(optionalOffset + 32);
  const fileAlignment = buf.readUInt32LE(optionalOffset + 36);
  if (!isPowerOfTwo(sectionAlignment) || !isPowerOfTwo(fileAlignment)) {
    throw invalid(
      what,
      `alignments must be powers of two (section ${sectionAlignment}, file ${fileAlignment})`,
    );
  }
  const directoryCount = Math.min(
    buf.readUInt32LE(directoriesOffset - 4),
    (optionalSize - (directoriesOffset - optionalOffset)) / 8,
  );
  const certificateSize =
    directoryCount > CERTIFICATE_DIRECTORY
      ? buf.readUInt32LE(directoriesOffset + CERTIFICATE_DIRECTORY * 8 + 4)
      : 0;

  const sectionTableOffset = optionalOffset + optionalSize;
  if (sectionTableOffset + numberOfSections * SECTION_HEADER_SIZE > buf.length) {
    throw invalid(what, "section table runs past the end of the file");
  }
  const sections: PeSection[] = [];
  for (let i = 0; i < numberOfSections; i++) {
    const at = sectionTableOffset + i * SECTION_HEADER_SIZE;
    const rawName = buf.subarray(at, at + 8);
    const nul = rawName.indexOf(0);
    sections.push({
      name: rawName.toString("latin1", 0, nul === -1 ? 8 : nul),
      virtualSize: buf.readUInt32LE(at + 8),
      virtualAddress: buf.readUInt32LE(at + 12),
      sizeOfRawData: buf.readUInt32LE(at + 16),
      pointerToRawData: buf.readUInt32LE(at + 20),
      characteristics: buf.readUInt32LE(at + 36),
    });
  }
  return {
    machine,
    magic,
    coffOffset,
    optionalOffset,
    sectionTableOffset,
    imageBase: plus
      ? buf.readBigUInt64LE(optionalOffset + 24)
      : BigInt(buf.readUInt32LE(optionalOffset + 28)),
    sectionAlignment,
    fileAlignment,
    sizeOfImage: buf.readUInt32LE(optionalOffset + 56),
    sizeOfHeaders: buf.readUInt32LE(optionalOffset + 60),
    subsystem: buf.readUInt16LE(optionalOffset + 68),
    certificateSize,
    sections,
  };
}

/** The bytes a loader would map from the file for this section (without alignment padding). */
export function readSection(buf: Buffer, section: PeSection): Buffer {
  const size = Math.min(section.virtualSize || section.sizeOfRawData, section.sizeOfRawData);
  return buf.subarray(section.pointerToRawData, section.pointerToRawData + size);
}

function checkName(name: string): void {
  if (!/^[\x21-\x7e]{1,8}$/.test(name)) {
    throw new BrokkrError(
      "internal",
      `PE section name ${JSON.stringify(name)} must be 1-8 printable ASCII bytes`,
    );
  }
}

/**
 * Appends sections after the last one. Returns chunks rather than one Buffer so that big payloads
 * (kernel, initrd) are never copied: only the image's own headers and body are.
 */
export function appendSections(image: Buffer, add: readonly NewSection[], what = "PE image"): AppendResult {
  for (const s of add) checkName(s.name);
  const pe = parsePe(image, what);
  if (pe.certificateSize !== 0) {
    throw invalid(what, "is signed; appending sections would break the signature (use the unsigned stub)");
  }

  // The new headers must fit before the first byte that is loaded from the file or mapped in memory.
  const tableEnd = pe.sectionTableOffset + pe.sections.length * SECTION_HEADER_SIZE;
  const newTableEnd = tableEnd + add.length * SECTION_HEADER_SIZE;
  let limit = image.length;
  for (const s of pe.sections) {
    if (s.sizeOfRawData > 0) limit = Math.min(limit, s.pointerToRawData);
    limit = Math.min(limit, s.virtualAddress);
  }
  if (newTableEnd > limit) {
    const free = Math.max(0, Math.floor((limit - tableEnd) / SECTION_HEADER_SIZE));
    throw invalid(
      what,
      `no room for ${add.length} more section headers (${free} free slots before the first section); ` +
        "moving the sections to make room is not supported",
    );
  }
  if (!image.subarray(tableEnd, newTableEnd).equals(Buffer.alloc(newTableEnd - tableEnd))) {
    throw invalid(what, "the space after the section table is not empty, refusing to overwrite it");
  }
  const sizeOfHeaders = Math.max(pe.sizeOfHeaders, alignUp(newTableEnd, pe.fileAlignment));
  if (sizeOfHeaders > limit) throw invalid(what, "headers would overlap the first section after alignment");

  // Place the new sections after everything: file data after the last byte (aligned), and
  // addresses after the image's mapped extent, so nothing of the stub moves or overlaps.
  let filePos = alignUp(image.length, pe.fileAlignment);
  let nextVa = alignUp(pe.sizeOfImage, pe.sectionAlignment);
  for (const s of pe.sections) {
    nextVa = Math.max(nextVa, alignUp(s.virtualAddress + Math.max(s.virtualSize, 1), pe.sectionAlignment));
  }
  const headers = Buffer.alloc(filePos);
  image.copy(headers);
  const chunks: Buffer[] = [headers];
  const placed: PeSection[] = [];
  let codeSize = 0;
  let dataSize = 0;
  for (const s of add) {
    const rawSize = alignUp(s.data.length, pe.fileAlignment);
    const section: PeSection = {
      name: s.name,
      virtualSize: Math.max(s.virtualSize ?? 0, s.data.length),
      virtualAddress: nextVa,
      sizeOfRawData: rawSize,
      pointerToRawData: rawSize > 0 ? filePos : 0,
      characteristics: s.characteristics,
    };
    placed.push(section);
    if (s.characteristics & SCN_CNT_CODE) codeSize += rawSize;
    else dataSize += rawSize;
    if (s.data.length > 0) chunks.push(s.data);
    if (rawSize > s.data.length) chunks.push(Buffer.alloc(rawSize - s.data.length));
    filePos += rawSize;
    nextVa = alignUp(section.virtualAddress + Math.max(section.virtualSize, 1), pe.sectionAlignment);
  }
  if (filePos > 0xffffffff || nextVa > 0xffffffff) {
    throw new BrokkrError("image.too-large", `${what}: sections do not fit the 4 GiB limit of PE offsets`);
  }

  placed.forEach((s, i) => {
    const at = tableEnd + i * SECTION_HEADER_SIZE;
    headers.write(s.name, at, 8, "latin1");
    headers.writeUInt32LE(s.virtualSize, at + 8);
    headers.writeUInt32LE(s.virtualAddress, at + 12);
    headers.writeUInt32LE(s.sizeOfRawData, at + 16);
    headers.writeUInt32LE(s.pointerToRawData, at + 20);
    headers.writeUInt32LE(s.characteristics, at + 36);
  });
  const opt = pe.optionalOffset;
  headers.writeUInt16LE(pe.sections.length + add.length, pe.coffOffset + 2);
  headers.writeUInt32LE(Math.min(0xffffffff, headers.readUInt32LE(opt + 4) + codeSize), opt + 4);
  headers.writeUInt32LE(Math.min(0xffffffff, headers.readUInt32LE(opt + 8) + dataSize), opt + 8);
  headers.writeUInt32LE(nextVa, opt + 56); // SizeOfImage
  headers.writeUInt32LE(sizeOfHeaders, opt + 60);
  // UEFI loaders do not check the checksum; zero is what ukify writes and keeps the output stable.
  headers.writeUInt32LE(0, opt + 64);
  return { chunks, sections: placed, size: filePos };
}

export interface CreatePeOptions {
  machine: number;
  magic?: number;
  subsystem?: number;
  imageBase?: bigint;
  sectionAlignment?: number;
  fileAlignment?: number;
  /** Section-header slots to reserve, including those of `sections`. */
  headerSlots?: number;
  entryPoint?: number;
  sections?: readonly NewSection[];
}

/** Writes a small PE image from scratch (used for test fixtures and as a base for appendSections). */
export function createPe(opts: CreatePeOptions): Buffer {
  const magic = opts.magic ?? PE32PLUS_MAGIC;
  const plus = magic === PE32PLUS_MAGIC;
  const sectionAlignment = opts.sectionAlignment ?? 0x1000;
  const fileAlignment = opts.fileAlignment ?? 0x200;
  const peOffset = 0x40;
  const optionalOffset = peOffset + 4 + COFF_HEADER_SIZE;
  const optionalSize = (plus ? 112 : 96) + DATA_DIRECTORY_COUNT * 8;
  const tableOffset = optionalOffset + optionalSize;
  const sizeOfHeaders = alignUp(tableOffset + (opts.headerSlots ?? 16) * SECTION_HEADER_SIZE, fileAlignment);
  const buf = Buffer.alloc(sizeOfHeaders);
  buf.write("MZ", 0, "latin1");
  buf.writeUInt32LE(peOffset, 0x3c);
  buf.write("PE\0\0", peOffset, "latin1");
  const coff = peOffset + 4;
  buf.writeUInt16LE(opts.machine, coff);
  buf.writeUInt16LE(optionalSize, coff + 16);
  // Executable, line numbers and debug info stripped; large-address-aware or 32-bit machine.
  buf.writeUInt16LE(0x0206 | (plus ? 0x0020 : 0x0100), coff + 18);
  buf.writeUInt16LE(magic, optionalOffset);
  buf.writeUInt32LE(opts.entryPoint ?? 0, optionalOffset + 16);
  const imageBase = opts.imageBase ?? 0x10000000n;
  if (plus) buf.writeBigUInt64LE(imageBase, optionalOffset + 24);
  else buf.writeUInt32LE(Number(imageBase), optionalOffset + 28);
  buf.writeUInt32LE(sectionAlignment, optionalOffset + 32);
  buf.writeUInt32LE(fileAlignment, optionalOffset + 36);
  buf.writeUInt32LE(alignUp(sizeOfHeaders, sectionAlignment), optionalOffset + 56);
  buf.writeUInt32LE(sizeOfHeaders, optionalOffset + 60);
  buf.writeUInt16LE(opts.subsystem ?? SUBSYSTEM_EFI_APPLICATION, optionalOffset + 68);
  buf.writeUInt32LE(DATA_DIRECTORY_COUNT, optionalOffset + optionalSize - DATA_DIRECTORY_COUNT * 8 - 4);
  if (!opts.sections?.length) return buf;
  return Buffer.concat(appendSections(buf, opts.sections).chunks);
}
