// cpio "newc" (070701) writer for the initramfs. The kernel's init/initramfs.c is the reader
// that matters: it creates entries in archive order (parents must come first), links hard-link
// members by (ino, mode) and writes a group's data through whichever member carries it, so we
// emit data only with the last member of each group, as GNU cpio does.

import { BrokkrError } from "../errors.ts";
import type { NodeKind, TreeNode } from "./tree-node.ts";
import { Batcher } from "./batcher.ts";

const typeBits: Record<Exclude<NodeKind, "hardlink">, number> = {
  file: 0o100000,
  dir: 0o040000,
  symlink: 0o120000,
  char: 0o020000,
  block: 0o060000,
  fifo: 0o010000,
};

const HEADER_SIZE = 110;
const MAX_U32 = 0xffffffff;
/** Small pieces are copied into batches of this size; bigger file data is yielded as-is. */
const BATCH_SIZE = 64 * 1024;
const ZEROS = Buffer.alloc(4);
const EMPTY = Buffer.alloc(0);

interface Entry {
  name: string;
  /** The node whose metadata the entry carries (a hard link's target). */
  node: TreeNode;
  kind: Exclude<NodeKind, "hardlink">;
  ino: number;
  nlink: number;
  data: Buffer;
}

/** Yields the archive in chunks; file data Buffers are passed through without copying. */
export function* writeCpio(nodes: Iterable<TreeNode>): Generator<Buffer> {
  const batch = new Batcher(BATCH_SIZE, BATCH_SIZE / 4);
  for (const entry of planEntries(Array.from(nodes))) {
    yield* batch.add(encodeHeader(entry));
    if (entry.data.length > 0) {
      yield* batch.add(entry.data);
      const pad = padTo4(entry.data.length);
      if (pad > 0) yield* batch.add(ZEROS.subarray(0, pad));
    }
  }
  yield* batch.add(encodeTrailer());
  yield* batch.flush();
}

function planEntries(nodes: TreeNode[]): Entry[] {
  const indexOf = new Map<string, number>();
  nodes.forEach((node, i) => {
    checkPath(node.path);
    if (indexOf.has(node.path)) fail(`duplicate path "${node.path}" in the tree`);
    indexOf.set(node.path, i);
  });

  // A hard link resolves to the node it finally names; links to files share its inode.
  const rootOf = nodes.map((_node, i) => resolveLink(nodes, indexOf, i));
  const members = new Map<number, number[]>();
  rootOf.forEach((root, i) => {
    if (nodes[root]!.kind !== "file") return;
    const list = members.get(root);
    if (list) list.push(i);
    else members.set(root, [i]);
  });

  const childDirs = new Map<string, number>();
  for (const node of nodes) {
    if (node.kind === "dir" && node.path !== "") {
      const parent = parentOf(node.path);
      childDirs.set(parent, (childDirs.get(parent) ?? 0) + 1);
    }
  }

  const inoOf = new Map<number, number>();
  const seenDirs = new Set<string>([""]);
  const entries: Entry[] = [];
  nodes.forEach((node, i) => {
    if (node.path !== "" && !seenDirs.has(parentOf(node.path))) {
      fail(`"${node.path}" comes before its parent directory`, "Emit directories before their contents.");
    }
    if (node.kind === "dir") seenDirs.add(node.path);
    const root = rootOf[i]!;
    const meta = nodes[root]!;
    if (meta.kind === "hardlink") fail(`hard link "${node.path}" did not resolve`);
    const group = meta.kind === "file" ? members.get(root)! : undefined;
    // Links to non-files (rare in .debs) become independent copies of their target.
    const key = group ? root : i;
    let ino = inoOf.get(key);
    if (ino === undefined) {
      ino = inoOf.size + 1;
      inoOf.set(key, ino);
    }
    let nlink = 1;
    let data: Buffer = EMPTY;
    if (group) {
      nlink = group.length;
      if (group[group.length - 1] === i) data = meta.data ?? EMPTY;
    } else if (meta.kind === "dir") {
      nlink = 2 + (childDirs.get(node.path) ?? 0);
    } else if (meta.kind === "symlink") {
      data = Buffer.from(meta.target ?? "", "utf8");
    }
    entries.push({ name: node.path === "" ? "." : node.path, node: meta, kind: meta.kind, ino, nlink, data });
  });
  return entries;
}

function resolveLink(nodes: TreeNode[], indexOf: Map<string, number>, start: number): number {
  let i = start;
  for (let hops = 0; hops <= nodes.length; hops++) {
    const node = nodes[i]!;
    if (node.kind !== "hardlink") {
      if (node.kind === "dir" && i !== start) fail(`hard link "${nodes[start]!.path}" points at a directory`);
      return i;
    }
    const target = (node.target ?? "").replace(/^(\.?\/)+/, "");
    const next = indexOf.get(target);
    if (next === undefined)
      fail(`hard link "${node.path}" points at "${node.target}", which is not in the tree`);
    i = next;
  }
  fail(`hard link "${nodes[start]!.path}" is part of a cycle`);
}

function encodeHeader(e: Entry): Buffer {
  const n = e.node;
  const isDev = e.kind === "char" || e.kind === "block";
  if (e.data.length > MAX_U32) {
    throw new BrokkrError("image.too-large", `"${e.name}" is larger than cpio newc allows (4 GiB)`);
  }
  const fields = [
    e.ino,
    typeBits[e.kind] | (n.mode & 0o7777),
    n.uid,
    n.gid,
    e.nlink,
    n.mtime,
    e.data.length,
    0, // the archive's device: none
    0,
    isDev ? (n.devMajor ?? 0) : 0,
    isDev ? (n.devMinor ?? 0) : 0,
  ];
  return encodeRecord(fields, e.name);
}

function encodeTrailer(): Buffer {
  return encodeRecord([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0], "TRAILER!!!");
}

/** The 110-byte header, the NUL-terminated name, and padding to a multiple of 4. */
function encodeRecord(fields: number[], name: string): Buffer {
  const nameBytes = Buffer.from(name, "utf8");
  const nameSize = nameBytes.length + 1;
  let hex = "070701";
  for (const value of [...fields, nameSize, 0]) {
    if (!Number.isInteger(value) || value < 0 || value > MAX_U32) {
      fail(`cpio field value ${value} for "${name}" does not fit in 32 bits`);
    }
    hex += value.toString(16).padStart(8, "0");
  }
  const used = HEADER_SIZE + nameSize;
  const out = Buffer.alloc(used + padTo4(used));
  out.write(hex, 0, "latin1");
  nameBytes.copy(out, HEADER_SIZE);
  return out;
}

function checkPath(path: string): void {
  if (path === "") return;
  if (path.startsWith("/") || path.split("/").some((part) => part === "" || part === "." || part === "..")) {
    fail(`bad path "${path}" in the tree`, "Paths are relative to the root, without ., .. or empty parts.");
  }
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

function padTo4(n: number): number {
  return (4 - (n % 4)) % 4;
}

function fail(message: string, hint?: string): never {
  throw new BrokkrError("internal", `cpio: ${message}`, hint === undefined ? {} : { hint });
}
