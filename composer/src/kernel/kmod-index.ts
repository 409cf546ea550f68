// The binary index libkmod looks keys up in (modules.dep.bin, modules.alias.bin, ...): a trie
// with path compression, big-endian, magic 0xB007F457, version 2.1.
//
//   header: magic u32, version u32, root u32
//   node:   [prefix NUL]                  when the node has a prefix
//           [first u8, last u8, child u32 × (last-first+1)]   when it has children
//           [count u32, (priority u32, value NUL) × count]    when it has values
//
// A node reference is its file offset OR'ed with flags saying which parts are present
// (0x80000000 prefix, 0x40000000 values, 0x20000000 children); a missing child is 0. Keys and
// values are 7-bit ASCII. Values of one key are kept by ascending priority (the module's
// position in modules.dep), a later value before an earlier one of equal priority.
//
// Readers follow the offsets, so any node order reads the same; depmod up to kmod 33 writes
// children before their parent ("post"), from kmod 34 on the parent first ("pre"). We write
// what the guest's kmod writes, so the files are byte for byte the guest's own.
import { BrokkrError } from "../errors.ts";

export type IndexLayout = "pre" | "post";

const MAGIC = 0xb007f457;
const VERSION = 0x00020001;
const PREFIX = 0x80000000;
const VALUES = 0x40000000;
const CHILDS = 0x20000000;

interface Value {
  priority: number;
  value: string;
}

interface Node {
  prefix: string;
  values: Value[];
  children: Map<number, Node>;
}

const newNode = (prefix: string): Node => ({ prefix, values: [], children: new Map() });

export class KmodIndex {
  private readonly root = newNode("");

  /** Adds `value` under `key` (depmod's index_insert, splitting nodes the same way). */
  insert(key: string, value: string, priority: number): void {
    for (const s of [key, value]) {
      if (!/^[\x01-\x7f]*$/.test(s)) {
        throw new BrokkrError("kernel.invalid", `module index entry ${JSON.stringify(s)} is not 7-bit ASCII`);
      }
    }
    let node = this.root;
    let i = 0;
    for (;;) {
      let j = 0;
      for (; j < node.prefix.length; j++) {
        if (node.prefix[j] !== key[i + j]) {
          // Split: the node keeps prefix[0..j); a child at prefix[j] takes the rest and everything below.
          const child: Node = {
            prefix: node.prefix.slice(j + 1),
            values: node.values,
            children: node.children,
          };
          const ch = node.prefix.charCodeAt(j);
          node.prefix = node.prefix.slice(0, j);
          node.values = [];
          node.children = new Map([[ch, child]]);
          break;
        }
      }
      i += j;
      if (i === key.length) {
        addValue(node.values, value, priority);
        return;
      }
      const ch = key.charCodeAt(i);
      const next = node.children.get(ch);
      if (!next) {
        const child = newNode(key.slice(i + 1));
        addValue(child.values, value, priority);
        node.children.set(ch, child);
        return;
      }
      node = next;
      i++;
    }
  }

  /** The index file, nodes laid out as kmod `layout` writes them. */
  serialize(layout: IndexLayout = "pre"): Buffer {
    const chunks: Buffer[] = [];
    let offset = 12;
    const header = Buffer.alloc(12);
    header.writeUInt32BE(MAGIC, 0);
    header.writeUInt32BE(VERSION, 4);
    chunks.push(header);

    const emit = (b: Buffer) => {
      chunks.push(b);
      offset += b.length;
    };
    if (layout === "post") {
      const write = (node: Node): number => {
        const refs = childRange(node).map((c) => (c ? write(c) : 0));
        const at = offset;
        emit(encodeNode(node, refs));
        return (at | mask(node)) >>> 0;
      };
      header.writeUInt32BE(write(this.root), 8);
    } else {
      const totals = new Map<Node, number>();
      const total = (node: Node): number => {
        let t = nodeSize(node);
        for (const c of node.children.values()) t += total(c);
        totals.set(node, t);
        return t;
      };
      total(this.root);
      const write = (node: Node) => {
        let childAt = offset + nodeSize(node);
        const refs = childRange(node).map((c) => {
          if (!c) return 0;
          const ref = (childAt | mask(c)) >>> 0;
          childAt += totals.get(c)!;
          return ref;
        });
        emit(encodeNode(node, refs));
        for (const c of childRange(node)) if (c) write(c);
      };
      header.writeUInt32BE((12 | mask(this.root)) >>> 0, 8);
      write(this.root);
    }
    return Buffer.concat(chunks);
  }
}

function addValue(values: Value[], value: string, priority: number): void {
  let at = 0;
  while (at < values.length && values[at]!.priority < priority) at++;
  values.splice(at, 0, { priority, value });
}

function mask(node: Node): number {
  return (node.prefix ? PREFIX : 0) | (node.values.length ? VALUES : 0) | (node.children.size ? CHILDS : 0);
}

/** Children from the lowest to the highest character, with holes for the ones in between. */
function childRange(node: Node): (Node | undefined)[] {
  if (node.children.size === 0) return [];
  const keys = [...node.children.keys()];
  const first = Math.min(...keys);
  const last = Math.max(...keys);
  return Array.from({ length: last - first + 1 }, (_, i) => node.children.get(first + i));
}

function nodeSize(node: Node): number {
  let size = node.prefix ? node.prefix.length + 1 : 0;
  if (node.children.size) size += 2 + 4 * childRange(node).length;
  if (node.values.length) size += 4 + node.values.reduce((n, v) => n + 4 + v.value.length + 1, 0);
  return size;
}

function encodeNode(node: Node, refs: number[]): Buffer {
  const out = Buffer.alloc(nodeSize(node));
  let at = 0;
  if (node.prefix) at = out.write(`${node.prefix}\0`, at, "latin1");
  if (refs.length) {
    const keys = [...node.children.keys()];
    out[at++] = Math.min(...keys);
    out[at++] = Math.max(...keys);
    for (const r of refs) at = out.writeUInt32BE(r, at);
  }
  if (node.values.length) {
    at = out.writeUInt32BE(node.values.length, at);
    for (const v of node.values) {
      at = out.writeUInt32BE(v.priority, at);
      at += out.write(`${v.value}\0`, at, "latin1");
    }
  }
  return out;
}
