// FAT32 filesystem writer (Microsoft FAT specification, "fatgen103"): 512-byte sectors, two
// FATs, FSInfo at sector 1, backup boot sector at 6. Every file and directory is one contiguous
// cluster run, so the whole image is laid out up front and written with a few Buffer copies.

import { BrokkrError } from "../errors.ts";
import {
  ATTR_ARCHIVE,
  ATTR_DIRECTORY,
  ATTR_VOLUME_ID,
  checkLongName,
  countEntries,
  type DosStamp,
  ENTRY_SIZE,
  makeShortAlias,
  toDosStamp,
  toShortName,
  writeLfnEntries,
  writeShortEntry,
} from "./fat-names.ts";

export interface FatFile {
  /** Path inside the filesystem, e.g. "EFI/BOOT/BOOTX64.EFI"; directories are implied. */
  path: string;
  data: Buffer;
}

export interface Fat32Options {
  /** Total size; by default the smallest size (whole MiB) that fits with some slack. */
  sizeBytes?: number;
  label?: string;
  volumeId: number;
  /** Seconds since the epoch, for every timestamp. */
  mtime: number;
  /** Sectors before the filesystem on its disk (the partition's start LBA); 0 by default. */
  hiddenSectors?: number;
}

const SECTOR = 512;
const RESERVED_SECTORS = 32;
const NUM_FATS = 2;
/** Fewer clusters than this and every reader takes the volume for FAT16. */
export const MIN_CLUSTERS = 65525;
const MAX_CLUSTERS = 0x0ffffff5;
const MAX_DIR_ENTRIES = 65536;
const EOC = 0x0fffffff;
const MIB = 1024 * 1024;

interface FileNode {
  kind: "file";
  name: string;
  short: string;
  lfn: boolean;
  data: Buffer;
  cluster: number;
}

interface DirNode {
  kind: "dir";
  name: string;
  short: string;
  lfn: boolean;
  parent: DirNode | undefined;
  children: Map<string, FileNode | DirNode>;
  /** Directory size in entries, "." and ".." and the label included. */
  entries: number;
  cluster: number;
}

interface Layout {
  totalSectors: number;
  sectorsPerCluster: number;
  reservedSectors: number;
  fatSectors: number;
  clusterCount: number;
}

export function writeFat32(files: FatFile[], opts: Fat32Options): Buffer {
  const label = opts.label === undefined ? undefined : checkLabel(opts.label);
  if (!Number.isInteger(opts.volumeId) || opts.volumeId < 0 || opts.volumeId > 0xffffffff) {
    throw new BrokkrError("image.invalid", `fat32: volume id ${opts.volumeId} is not a 32-bit number`);
  }
  const root = buildTree(files, label !== undefined);
  const layout = opts.sizeBytes === undefined ? chooseLayout(root) : layoutForSize(root, opts.sizeBytes);
  const used = allocateClusters(root, layout.sectorsPerCluster * SECTOR);
  const stamp = toDosStamp(opts.mtime);

  const image = Buffer.alloc(layout.totalSectors * SECTOR);
  const boot = encodeBootSector(layout, opts.volumeId, label, opts.hiddenSectors ?? 0);
  const info = encodeFsInfo(layout.clusterCount - used, used < layout.clusterCount ? 2 + used : 0xffffffff);
  for (const base of [0, 6]) {
    boot.copy(image, base * SECTOR);
    info.copy(image, (base + 1) * SECTOR);
  }
  writeFats(image, layout, root);
  writeContents(image, layout, root, stamp, label);
  return image;
}

function buildTree(files: FatFile[], hasLabel: boolean): DirNode {
  const root = newDir("", undefined);
  if (hasLabel) root.entries++;
  for (const file of files) {
    const parts = file.path.split("/");
    let dir = root;
    parts.forEach((name, i) => {
      checkLongName(name, file.path);
      const key = name.toUpperCase();
      const existing = dir.children.get(key);
      const last = i === parts.length - 1;
      if (existing && (last || existing.kind === "file" || existing.name !== name)) {
        throw new BrokkrError("image.invalid", `fat32: "${file.path}" clashes with another file`, {
          hint: "FAT names are case-insensitive; a path can be a file or a directory, not both.",
        });
      }
      if (last) {
        if (file.data.length > 0xffffffff) {
          throw new BrokkrError("image.too-large", `fat32: "${file.path}" is 4 GiB or larger`);
        }
        dir.children.set(key, { kind: "file", name, short: "", lfn: false, data: file.data, cluster: 0 });
      } else {
        if (!existing) dir.children.set(key, newDir(name, dir));
        dir = dir.children.get(key) as DirNode;
      }
    });
  }
  nameEntries(root);
  return root;
}

function newDir(name: string, parent: DirNode | undefined): DirNode {
  const entries = parent ? 2 : 0;
  return { kind: "dir", name, short: "", lfn: false, parent, children: new Map(), entries, cluster: 0 };
}

/** Sorts each directory, gives every entry its short name and counts directory sizes. */
function nameEntries(dir: DirNode): void {
  const sorted = [...dir.children.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  dir.children = new Map(sorted.map((c) => [c.name.toUpperCase(), c]));
  const used = new Set<string>();
  for (const child of sorted) {
    const short = toShortName(child.name);
    if (short !== undefined) {
      child.short = short;
      used.add(short);
    }
  }
  for (const child of sorted) {
    if (child.short === "") {
      child.short = makeShortAlias(child.name, used);
      child.lfn = true;
    }
    dir.entries += countEntries(child.name, child.lfn);
    if (child.kind === "dir") nameEntries(child);
  }
  if (dir.entries > MAX_DIR_ENTRIES) {
    throw new BrokkrError("image.invalid", `fat32: directory "${dir.name}" has too many entries`);
  }
}

function clustersOf(bytes: number, clusterBytes: number): number {
  return Math.ceil(bytes / clusterBytes);
}

/** Clusters all directories (at least one each) and files take. */
function countClusters(root: DirNode, clusterBytes: number): number {
  let n = 0;
  for (const dir of listDirs(root)) {
    n += Math.max(1, clustersOf(dir.entries * ENTRY_SIZE, clusterBytes));
    for (const c of dir.children.values())
      if (c.kind === "file") n += clustersOf(c.data.length, clusterBytes);
  }
  return n;
}

/** Directories breadth-first, the root first. */
function listDirs(root: DirNode): DirNode[] {
  const dirs = [root];
  for (let i = 0; i < dirs.length; i++) {
    for (const c of dirs[i]!.children.values()) if (c.kind === "dir") dirs.push(c);
  }
  return dirs;
}

/** Sectors per cluster by volume size, from the FAT32 table in Microsoft's specification. */
function sectorsPerClusterFor(totalSectors: number): number {
  if (totalSectors <= 66600) return 0;
  if (totalSectors <= 532480) return 1;
  if (totalSectors <= 16777216) return 8;
  if (totalSectors <= 33554432) return 16;
  if (totalSectors <= 67108864) return 32;
  return 64;
}

function computeLayout(totalSectors: number): Layout | undefined {
  const spc = sectorsPerClusterFor(totalSectors);
  if (spc === 0 || totalSectors > 0xffffffff) return undefined;
  // Smallest FAT that still covers every cluster of the data area it leaves.
  let fatSectors = 1;
  for (;;) {
    const clusters = Math.floor((totalSectors - RESERVED_SECTORS - NUM_FATS * fatSectors) / spc);
    if ((clusters + 2) * 4 <= fatSectors * SECTOR) break;
    fatSectors = Math.ceil(((clusters + 2) * 4) / SECTOR);
  }
  // Pad the reserved area so clusters start aligned to the cluster size.
  const meta = RESERVED_SECTORS + NUM_FATS * fatSectors;
  const reservedSectors = RESERVED_SECTORS + ((spc - (meta % spc)) % spc);
  const clusterCount = Math.floor((totalSectors - reservedSectors - NUM_FATS * fatSectors) / spc);
  if (clusterCount < MIN_CLUSTERS || clusterCount > MAX_CLUSTERS) return undefined;
  return { totalSectors, sectorsPerCluster: spc, reservedSectors, fatSectors, clusterCount };
}

function layoutForSize(root: DirNode, sizeBytes: number): Layout {
  const layout =
    Number.isInteger(sizeBytes) && sizeBytes % SECTOR === 0 ? computeLayout(sizeBytes / SECTOR) : undefined;
  if (!layout) {
    throw new BrokkrError("image.invalid", `fat32: ${sizeBytes} bytes is not a valid FAT32 volume size`, {
      hint: "Use a multiple of 512 bytes from 33 MiB (65525 clusters) to 2 TiB.",
    });
  }
  const need = countClusters(root, layout.sectorsPerCluster * SECTOR);
  if (need > layout.clusterCount) {
    const minimum = chooseLayout(root).totalSectors * SECTOR;
    throw new BrokkrError("image.too-large", `fat32: the files need more than ${sizeBytes} bytes`, {
      hint: `Use at least ${minimum} bytes, or leave the size out to have it chosen.`,
    });
  }
  return layout;
}

/** The smallest whole-MiB volume with room for everything plus some slack. */
function chooseLayout(root: DirNode): Layout {
  let totalSectors = Math.ceil((66601 * SECTOR) / MIB) * (MIB / SECTOR);
  for (;;) {
    const layout = computeLayout(totalSectors);
    if (!layout) throw new BrokkrError("image.too-large", "fat32: the files do not fit in a FAT32 volume");
    const clusterBytes = layout.sectorsPerCluster * SECTOR;
    const need = countClusters(root, clusterBytes);
    const slack = Math.ceil(MIB / clusterBytes) + Math.ceil(need / 64);
    if (need + slack <= layout.clusterCount) return layout;
    // Grow by the shortfall (plus the FATs it costs), rounded to whole MiB.
    const shortBytes = (need + slack - layout.clusterCount) * (clusterBytes + 8);
    totalSectors += Math.ceil(shortBytes / MIB) * (MIB / SECTOR);
  }
}

/** Gives every directory and file its first cluster, in one contiguous run each; returns clusters used. */
function allocateClusters(root: DirNode, clusterBytes: number): number {
  const dirs = listDirs(root);
  let next = 2;
  for (const dir of dirs) {
    dir.cluster = next;
    next += Math.max(1, clustersOf(dir.entries * ENTRY_SIZE, clusterBytes));
  }
  for (const dir of dirs) {
    for (const c of dir.children.values()) {
      if (c.kind !== "file" || c.data.length === 0) continue;
      c.cluster = next;
      next += clustersOf(c.data.length, clusterBytes);
    }
  }
  return next - 2;
}

function encodeBootSector(
  layout: Layout,
  volumeId: number,
  label: string | undefined,
  hidden: number,
): Buffer {
  const b = Buffer.alloc(SECTOR);
  b.set([0xeb, 0x58, 0x90], 0); // jump over the BPB to the stub at 0x5a
  b.write("MSWIN4.1", 3, "latin1"); // the OEM name the specification recommends
  b.writeUInt16LE(SECTOR, 11);
  b[13] = layout.sectorsPerCluster;
  b.writeUInt16LE(layout.reservedSectors, 14);
  b[16] = NUM_FATS;
  b[21] = 0xf8; // fixed media
  b.writeUInt16LE(63, 24); // sectors per track, heads: unused, conventional values
  b.writeUInt16LE(255, 26);
  b.writeUInt32LE(hidden, 28);
  b.writeUInt32LE(layout.totalSectors, 32);
  b.writeUInt32LE(layout.fatSectors, 36);
  b.writeUInt32LE(2, 44); // root directory cluster
  b.writeUInt16LE(1, 48); // FSInfo sector
  b.writeUInt16LE(6, 50); // backup boot sector
  b[64] = 0x80;
  b[66] = 0x29; // extended boot signature: the next three fields are valid
  b.writeUInt32LE(volumeId, 67);
  b.write((label ?? "NO NAME").padEnd(11, " "), 71, "latin1");
  b.write("FAT32   ", 82, "latin1");
  b.set([0xfa, 0xf4, 0xeb, 0xfd], 0x5a); // not bootable: cli; hlt; loop
  b[510] = 0x55;
  b[511] = 0xaa;
  return b;
}

function encodeFsInfo(freeClusters: number, nextFree: number): Buffer {
  const b = Buffer.alloc(SECTOR);
  b.writeUInt32LE(0x41615252, 0);
  b.writeUInt32LE(0x61417272, 484);
  b.writeUInt32LE(freeClusters, 488);
  b.writeUInt32LE(nextFree, 492);
  b.writeUInt32LE(0xaa550000, 508);
  return b;
}

function writeFats(image: Buffer, layout: Layout, root: DirNode): void {
  const clusterBytes = layout.sectorsPerCluster * SECTOR;
  const start = layout.reservedSectors * SECTOR;
  if (!isLittleEndian()) throw new BrokkrError("internal", "fat32: big-endian hosts are not supported");
  const fat = new Uint32Array(image.buffer, image.byteOffset + start, layout.fatSectors * (SECTOR / 4));
  fat[0] = 0x0fffff00 | 0xf8;
  fat[1] = EOC;
  const chain = (first: number, count: number) => {
    for (let c = first; c < first + count - 1; c++) fat[c] = c + 1;
    fat[first + count - 1] = EOC;
  };
  for (const dir of listDirs(root)) {
    chain(dir.cluster, Math.max(1, clustersOf(dir.entries * ENTRY_SIZE, clusterBytes)));
    for (const c of dir.children.values()) {
      if (c.kind === "file" && c.cluster !== 0) chain(c.cluster, clustersOf(c.data.length, clusterBytes));
    }
  }
  const size = layout.fatSectors * SECTOR;
  image.copy(image, start + size, start, start + size);
}

function writeContents(image: Buffer, layout: Layout, root: DirNode, stamp: DosStamp, label?: string): void {
  const clusterBytes = layout.sectorsPerCluster * SECTOR;
  const dataStart = (layout.reservedSectors + NUM_FATS * layout.fatSectors) * SECTOR;
  const offsetOf = (cluster: number) => dataStart + (cluster - 2) * clusterBytes;
  for (const dir of listDirs(root)) {
    let off = offsetOf(dir.cluster);
    const entry = (short: string, attr: number, cluster: number, size: number) => {
      off = writeShortEntry(image, off, { short, attr, cluster, size, stamp });
    };
    if (dir.parent) {
      entry(".".padEnd(11, " "), ATTR_DIRECTORY, dir.cluster, 0);
      // ".." names the root as cluster 0, not its real cluster.
      entry("..".padEnd(11, " "), ATTR_DIRECTORY, dir.parent.parent ? dir.parent.cluster : 0, 0);
    } else if (label !== undefined) {
      entry(label.padEnd(11, " "), ATTR_VOLUME_ID, 0, 0);
    }
    for (const c of dir.children.values()) {
      if (c.lfn) off = writeLfnEntries(image, off, c.name, c.short);
      if (c.kind === "dir") entry(c.short, ATTR_DIRECTORY, c.cluster, 0);
      else {
        entry(c.short, ATTR_ARCHIVE, c.cluster, c.data.length);
        if (c.cluster !== 0) c.data.copy(image, offsetOf(c.cluster));
      }
    }
  }
}

function checkLabel(label: string): string {
  const upper = label.toUpperCase();
  if (!/^[A-Z0-9 $%'\-_@~`!(){}^#&]{1,11}$/.test(upper) || upper.trim() === "") {
    throw new BrokkrError("image.invalid", `fat32: "${label}" is not a valid volume label`, {
      hint: "Use up to 11 letters, digits, spaces or $%'-_@~`!(){}^#&.",
    });
  }
  return upper;
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}
