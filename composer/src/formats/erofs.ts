// EROFS writer, uncompressed, for a read-only root partition. On-disk format from the kernel's
// fs/erofs/erofs_fs.h: superblock at byte 1024, 4 KiB blocks, inodes addressed by nid (byte
// offset / 32 from meta_blkaddr, here 0), data either in whole blocks (FLAT_PLAIN) or whole blocks
// plus a tail stored right after the inode (FLAT_INLINE). Directories are blocks of 12-byte
// dirents followed by their names, sorted by name across the whole directory (the kernel does a
// binary search over blocks, then within a block). Layout: superblock and inodes (with inline
// tails) first, then the data blocks in nid order, so the image streams out in one pass.

import { BrokkrError } from "../errors.ts";
import type { TreeNode } from "./tree-node.ts";
import { Batcher } from "./batcher.ts";

export type ErofsKind = "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo" | "socket";

/** One path of the filesystem. A rootfs `TreeNode` is one of these. */
export interface ErofsEntry {
  /** "" for the root, else relative without a leading slash: "usr/bin/ls". */
  path: string;
  kind: ErofsKind;
  /** Permission bits only, setuid/setgid/sticky included. */
  mode: number;
  uid: number;
  gid: number;
  /** Whole seconds since the epoch. */
  mtime: number;
  /** File contents; a list of pieces is written as their concatenation without copying. */
  data?: Buffer | readonly Buffer[];
  /** Symlink target, or for "hardlink" the path of the entry it links to (whose metadata it takes). */
  target?: string;
  devMajor?: number;
  devMinor?: number;
}

export interface ErofsOptions {
  /** Volume UUID ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"); all zeros by default. */
  uuid?: string;
  /** Volume name, at most 16 bytes. */
  label?: string;
  /**
   * mtime of every compact (32-byte) inode: an inode with another mtime needs the 64-byte form.
   * By default the most common mtime of the tree.
   */
  epoch?: number;
}

export interface ErofsImage {
  sizeBytes: number;
  inodeCount: number;
  /** The image from byte 0, in chunks; pieces of file data of 64 KiB and more are passed through. */
  chunks(): Generator<Buffer>;
}

const BLOCK = 4096;
const BLOCK_BITS = 12;
const SB_OFFSET = 1024;
const SB_SIZE = 128;
const MAGIC = 0xe0f5e1e2;
const FEATURE_COMPAT_MTIME = 0x2; // extended inodes carry mtime (not ctime), as mkfs.erofs sets
const COMPACT_SIZE = 32;
const EXTENDED_SIZE = 64;
const DIRENT_SIZE = 12;
const NAME_MAX = 255;
const SYMLINK_MAX = 4095;
const FLAT_PLAIN = 0;
const FLAT_INLINE = 2;
const NULL_ADDR = 0xffffffff;
const U16 = 0xffff;
const U32 = 0xffffffff;
const BATCH_SIZE = 1024 * 1024;
const ZEROS = Buffer.alloc(BLOCK);

type InodeKind = Exclude<ErofsKind, "hardlink">;

const typeBits: Record<InodeKind, number> = {
  file: 0o100000,
  dir: 0o040000,
  symlink: 0o120000,
  char: 0o020000,
  block: 0o060000,
  fifo: 0o010000,
  socket: 0o140000,
};

/** EROFS_FT_*: the dirent's file type. */
const fileTypes: Record<InodeKind, number> = {
  file: 1,
  dir: 2,
  char: 3,
  block: 4,
  fifo: 5,
  socket: 6,
  symlink: 7,
};

interface Inode {
  meta: ErofsEntry;
  kind: InodeKind;
  nlink: number;
  /** Contents (file data, symlink target); directories get theirs once nids are known. */
  pieces: readonly Buffer[];
  size: number;
  /** Directories: entries sorted by name, "." and ".." included. */
  dirents?: Dirent[];
  extended: boolean;
  layout: number;
  /** Bytes stored inline after the inode. */
  tail: number;
  /** Data blocks outside the metadata area. */
  blocks: number;
  nid: number;
  /** i_ino, for 32-bit stat only: 1, 2, ... in nid order. */
  ino: number;
  startBlock: number;
}

interface Dirent {
  name: Buffer;
  inode: Inode;
}

/** The entries of a rootfs tree, as they are (a TreeNode is an ErofsEntry). */
export function erofsEntriesFromTree(tree: { nodes(): TreeNode[] }): ErofsEntry[] {
  return tree.nodes();
}

export function writeErofs(entries: Iterable<ErofsEntry>, opts: ErofsOptions = {}): Generator<Buffer> {
  return layoutErofs(entries, opts).chunks();
}

/** Plans the whole image (sizes, nids, blocks) without writing it. */
export function layoutErofs(entries: Iterable<ErofsEntry>, opts: ErofsOptions = {}): ErofsImage {
  const uuid = parseUuid(opts.uuid);
  const label = Buffer.from(opts.label ?? "", "utf8");
  if (label.length > 16) fail(`label "${opts.label}" is longer than 16 bytes`);
  const root = buildInodes(Array.from(entries));
  const order = orderInodes(root);
  const epoch = opts.epoch ?? mostCommonMtime(order);
  checkTime(epoch, "epoch");

  for (const inode of order) {
    const { meta } = inode;
    inode.extended =
      meta.uid > U16 || meta.gid > U16 || inode.nlink > U16 || inode.size > U32 || meta.mtime !== epoch;
    chooseDataLayout(inode);
  }

  // Inodes are 32-byte aligned and, with their inline tail, never cross a block boundary.
  let pos = SB_OFFSET + SB_SIZE;
  for (const [i, inode] of order.entries()) {
    inode.ino = i + 1;
    const record = inodeSize(inode) + inode.tail;
    if ((pos % BLOCK) + record > BLOCK) pos = roundUp(pos, BLOCK);
    inode.nid = pos / 32;
    pos += roundUp(record, 32);
  }
  const metaBytes = roundUp(pos, BLOCK);
  let block = metaBytes / BLOCK;
  for (const inode of order) {
    inode.startBlock = inode.blocks > 0 ? block : NULL_ADDR;
    block += inode.blocks;
  }
  if (block > U32) fail(`the image needs ${block} blocks, more than EROFS addresses`, "image.too-large");
  if (order.length > U32) fail(`${order.length} inodes are more than EROFS numbers`, "image.too-large");

  const sb = encodeSuperblock({ rootNid: root.nid, inodes: order.length, epoch, blocks: block, uuid, label });
  return {
    sizeBytes: block * BLOCK,
    inodeCount: order.length,
    chunks: () => emitImage(order, sb, metaBytes),
  };
}

function buildInodes(entries: ErofsEntry[]): Inode {
  const byPath = new Map<string, ErofsEntry>();
  for (const e of entries) {
    checkPath(e.path);
    if (byPath.has(e.path)) fail(`duplicate path "${e.path}"`);
    byPath.set(e.path, e);
  }
  const rootEntry = byPath.get("");
  if (!rootEntry) fail(`no root directory (path "") among the entries`);
  if (rootEntry.kind !== "dir") fail(`the root must be a directory, not a ${rootEntry.kind}`);

  const inodes = new Map<ErofsEntry, Inode>();
  const inodeOf = (e: ErofsEntry): Inode => {
    const meta = resolveLink(byPath, e);
    let inode = inodes.get(meta);
    if (!inode) {
      inode = newInode(meta);
      inodes.set(meta, inode);
    }
    return inode;
  };

  const root = inodeOf(rootEntry);
  for (const e of entries) {
    if (e.path === "") continue;
    const slash = e.path.lastIndexOf("/");
    const parentEntry = byPath.get(slash < 0 ? "" : e.path.slice(0, slash));
    if (parentEntry?.kind !== "dir") {
      fail(`the parent of "${e.path}" is ${parentEntry ? `a ${parentEntry.kind}` : "missing"}`);
    }
    const parent = inodeOf(parentEntry);
    const inode = inodeOf(e);
    parent.dirents!.push({ name: Buffer.from(e.path.slice(slash + 1), "utf8"), inode });
    if (inode.kind === "dir") {
      parent.nlink++;
      inode.dirents!.push({ name: Buffer.from(".."), inode: parent });
    } else if (e !== inode.meta) {
      inode.nlink++; // one more name for a hard-linked inode
    }
  }
  root.dirents!.push({ name: Buffer.from(".."), inode: root });

  for (const inode of inodes.values()) {
    const names = inode.dirents;
    if (!names) continue;
    names.push({ name: Buffer.from("."), inode });
    names.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const d of names) {
      if (d.name.length > NAME_MAX) fail(`the name "${d.name}" is longer than ${NAME_MAX} bytes`);
    }
    inode.size = dirSize(splitDirBlocks(names));
  }
  return root;
}

function newInode(meta: ErofsEntry): Inode {
  const kind = meta.kind as InodeKind;
  if (!Number.isInteger(meta.mode) || meta.mode < 0 || meta.mode > 0o7777) {
    fail(`"${meta.path}" has mode ${meta.mode}; only permission bits (0..0o7777) are allowed`);
  }
  checkId(meta.uid, "uid", meta.path);
  checkId(meta.gid, "gid", meta.path);
  checkTime(meta.mtime, `the mtime of "${meta.path}"`);
  let pieces: readonly Buffer[] = [];
  if (kind === "file") {
    pieces = meta.data === undefined ? [] : Buffer.isBuffer(meta.data) ? [meta.data] : meta.data;
  } else if (kind === "symlink") {
    const target = Buffer.from(meta.target ?? "", "utf8");
    if (target.length === 0 || target.length > SYMLINK_MAX) {
      fail(`symlink "${meta.path}" has a target of ${target.length} bytes (1..${SYMLINK_MAX} allowed)`);
    }
    pieces = [target];
  } else if (kind === "char" || kind === "block") {
    encodeDev(meta);
  } else if (!(kind in typeBits)) {
    fail(`"${meta.path}" has an unknown kind "${meta.kind}"`);
  }
  return {
    meta,
    kind,
    nlink: kind === "dir" ? 2 : 1,
    pieces,
    size: pieces.reduce((sum, p) => sum + p.length, 0),
    dirents: kind === "dir" ? [] : undefined,
    extended: false,
    layout: FLAT_PLAIN,
    tail: 0,
    blocks: 0,
    nid: 0,
    ino: 0,
    startBlock: NULL_ADDR,
  };
}

/** A hard link stands for the entry it finally names; links to directories are refused. */
function resolveLink(byPath: Map<string, ErofsEntry>, start: ErofsEntry): ErofsEntry {
  let e = start;
  for (let hops = 0; e.kind === "hardlink"; hops++) {
    if (hops > byPath.size) fail(`hard link "${start.path}" is part of a cycle`);
    const next = byPath.get((e.target ?? "").replace(/^(\.?\/)+/, ""));
    if (!next) fail(`hard link "${e.path}" points at "${e.target}", which is not among the entries`);
    e = next;
  }
  if (e !== start && e.kind === "dir") fail(`hard link "${start.path}" points at a directory`);
  return e;
}

/** Directories breadth first, each followed by its children in name order: stable nids. */
function orderInodes(root: Inode): Inode[] {
  const order = [root];
  const seen = new Set([root]);
  for (let i = 0; i < order.length; i++) {
    for (const d of order[i]!.dirents ?? []) {
      if (seen.has(d.inode)) continue;
      seen.add(d.inode);
      order.push(d.inode);
    }
  }
  return order;
}

function mostCommonMtime(inodes: Inode[]): number {
  const counts = new Map<number, number>();
  for (const { meta } of inodes) counts.set(meta.mtime, (counts.get(meta.mtime) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [mtime, count] of counts) {
    if (count > bestCount || (count === bestCount && mtime < best)) [best, bestCount] = [mtime, count];
  }
  return best;
}

/** The tail goes inline when it fits in a block beside the inode, else everything is in blocks. */
function chooseDataLayout(inode: Inode): void {
  const tail = inode.size % BLOCK;
  const full = Math.floor(inode.size / BLOCK);
  if (tail > 0 && inodeSize(inode) + tail <= BLOCK) {
    inode.layout = FLAT_INLINE;
    inode.tail = tail;
    inode.blocks = full;
  } else {
    inode.layout = FLAT_PLAIN;
    inode.tail = 0;
    inode.blocks = full + (tail > 0 ? 1 : 0);
  }
}

function* emitImage(order: Inode[], sb: Buffer, metaBytes: number): Generator<Buffer> {
  for (const inode of order) {
    if (inode.dirents) inode.pieces = [encodeDir(inode.dirents, inode.size)];
  }
  const meta = Buffer.alloc(metaBytes);
  sb.copy(meta, SB_OFFSET);
  for (const inode of order) {
    const at = inode.nid * 32;
    encodeInode(inode).copy(meta, at);
    if (inode.tail > 0)
      copyRange(inode.pieces, inode.size - inode.tail, inode.size, meta, at + inodeSize(inode));
  }
  const batch = new Batcher(BATCH_SIZE, BATCH_SIZE / 16);
  yield* batch.add(meta);
  for (const inode of order) {
    if (inode.blocks === 0) continue;
    const end = Math.min(inode.size, inode.blocks * BLOCK);
    for (const piece of pieceRange(inode.pieces, 0, end)) yield* batch.add(piece);
    const pad = inode.blocks * BLOCK - end;
    if (pad > 0) yield* batch.add(ZEROS.subarray(0, pad));
  }
  yield* batch.flush();
}

function inodeSize(inode: Inode): number {
  return inode.extended ? EXTENDED_SIZE : COMPACT_SIZE;
}

function encodeInode(inode: Inode): Buffer {
  const { meta } = inode;
  const out = Buffer.alloc(inodeSize(inode));
  const mode = typeBits[inode.kind] | meta.mode;
  const isDev = inode.kind === "char" || inode.kind === "block";
  const iu = isDev
    ? encodeDev(meta)
    : inode.kind === "fifo" || inode.kind === "socket"
      ? 0
      : inode.startBlock;
  out.writeUInt16LE((inode.layout << 1) | (inode.extended ? 1 : 0), 0);
  out.writeUInt16LE(mode, 4);
  if (inode.extended) {
    out.writeBigUInt64LE(BigInt(inode.size), 8);
    out.writeUInt32LE(iu, 16);
    out.writeUInt32LE(inode.ino, 20);
    out.writeUInt32LE(meta.uid, 24);
    out.writeUInt32LE(meta.gid, 28);
    out.writeBigUInt64LE(BigInt(meta.mtime), 32);
    out.writeUInt32LE(inode.nlink, 44);
  } else {
    // Bytes 12..15 are an mtime offset from the epoch in new kernels and reserved in old ones:
    // left 0, so both read the superblock's epoch.
    out.writeUInt16LE(inode.nlink, 6);
    out.writeUInt32LE(inode.size, 8);
    out.writeUInt32LE(iu, 16);
    out.writeUInt32LE(inode.ino, 20);
    out.writeUInt16LE(meta.uid, 24);
    out.writeUInt16LE(meta.gid, 26);
  }
  return out;
}

/** The kernel's new_encode_dev: 12-bit major, 20-bit minor. */
function encodeDev(meta: ErofsEntry): number {
  const major = meta.devMajor ?? 0;
  const minor = meta.devMinor ?? 0;
  if (
    !Number.isInteger(major) ||
    major < 0 ||
    major > 0xfff ||
    !Number.isInteger(minor) ||
    minor < 0 ||
    minor > 0xfffff
  ) {
    fail(`device "${meta.path}" has numbers ${major}:${minor} (at most 4095:1048575)`);
  }
  return ((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0;
}

/** Groups sorted dirents into blocks: each block holds its dirents, then their names. */
function splitDirBlocks(dirents: Dirent[]): Dirent[][] {
  const blocks: Dirent[][] = [];
  let current: Dirent[] = [];
  let used = 0;
  for (const d of dirents) {
    const len = DIRENT_SIZE + d.name.length;
    if (used + len > BLOCK) {
      blocks.push(current);
      current = [];
      used = 0;
    }
    current.push(d);
    used += len;
  }
  blocks.push(current);
  return blocks;
}

function dirSize(blocks: Dirent[][]): number {
  const last = blocks[blocks.length - 1]!;
  return (blocks.length - 1) * BLOCK + last.reduce((sum, d) => sum + DIRENT_SIZE + d.name.length, 0);
}

function encodeDir(dirents: Dirent[], size: number): Buffer {
  const out = Buffer.alloc(size);
  splitDirBlocks(dirents).forEach((group, i) => {
    const base = i * BLOCK;
    let nameOff = group.length * DIRENT_SIZE;
    group.forEach((d, j) => {
      const at = base + j * DIRENT_SIZE;
      out.writeBigUInt64LE(BigInt(d.inode.nid), at);
      out.writeUInt16LE(nameOff, at + 8);
      out.writeUInt8(fileTypes[d.inode.kind], at + 10);
      d.name.copy(out, base + nameOff);
      nameOff += d.name.length;
    });
  });
  return out;
}

function encodeSuperblock(sb: {
  rootNid: number;
  inodes: number;
  epoch: number;
  blocks: number;
  uuid: Buffer;
  label: Buffer;
}): Buffer {
  const out = Buffer.alloc(SB_SIZE);
  out.writeUInt32LE(MAGIC, 0);
  // checksum (4) stays 0: the SB_CHKSUM feature is off.
  out.writeUInt32LE(FEATURE_COMPAT_MTIME, 8);
  out.writeUInt8(BLOCK_BITS, 12);
  out.writeUInt16LE(sb.rootNid, 14);
  out.writeBigUInt64LE(BigInt(sb.inodes), 16);
  out.writeBigUInt64LE(BigInt(sb.epoch), 24);
  out.writeUInt32LE(sb.blocks, 36);
  // meta_blkaddr (40) and xattr_blkaddr (44) are 0; no incompat features (80).
  sb.uuid.copy(out, 48);
  sb.label.copy(out, 64);
  return out;
}

/** Subarrays of `pieces` covering bytes [start, end) of their concatenation. */
function* pieceRange(pieces: readonly Buffer[], start: number, end: number): Generator<Buffer> {
  let off = 0;
  for (const p of pieces) {
    const from = Math.max(start, off);
    const to = Math.min(end, off + p.length);
    if (from < to) yield from - off === 0 && to - off === p.length ? p : p.subarray(from - off, to - off);
    off += p.length;
    if (off >= end) return;
  }
}

function copyRange(pieces: readonly Buffer[], start: number, end: number, dest: Buffer, at: number): void {
  for (const p of pieceRange(pieces, start, end)) at += p.copy(dest, at);
}

function parseUuid(uuid: string | undefined): Buffer {
  if (uuid === undefined) return Buffer.alloc(16);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uuid)) {
    fail(`"${uuid}" is not a UUID`, "image.invalid", "Write it as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.");
  }
  return Buffer.from(uuid.replaceAll("-", ""), "hex");
}

function checkPath(path: string): void {
  if (path === "") return;
  if (path.startsWith("/") || path.split("/").some((part) => part === "" || part === "." || part === "..")) {
    fail(
      `bad path "${path}"`,
      "image.invalid",
      "Paths are relative to the root, without ., .. or empty parts.",
    );
  }
  if (path.includes("\0")) fail(`path "${path}" contains a NUL byte`);
}

function checkId(id: number, field: string, path: string): void {
  if (!Number.isInteger(id) || id < 0 || id > U32) fail(`"${path}" has ${field} ${id}`);
}

function checkTime(t: number, what: string): void {
  if (!Number.isSafeInteger(t) || t < 0) fail(`${what} is ${t}; it must be whole seconds since 1970`);
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

function fail(
  message: string,
  code: "image.invalid" | "image.too-large" = "image.invalid",
  hint?: string,
): never {
  throw new BrokkrError(code, `erofs: ${message}`, hint === undefined ? {} : { hint });
}
