import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BrokkrError } from "../errors.ts";
import { KmodIndex } from "./kmod-index.ts";

/** Every key => [priority] value in the file, walking the trie the way libkmod's reader does. */
function entries(buf: Buffer): string[] {
  assert.equal(buf.readUInt32BE(0), 0xb007f457);
  assert.equal(buf.readUInt32BE(4), 0x00020001);
  const out: string[] = [];
  const walk = (ref: number, key: string) => {
    let at = ref & 0x0fffffff;
    if (ref & 0x80000000) {
      const end = buf.indexOf(0, at);
      key += buf.toString("latin1", at, end);
      at = end + 1;
    }
    const children: [string, number][] = [];
    if (ref & 0x20000000) {
      const [first, last] = [buf[at]!, buf[at + 1]!];
      at += 2;
      for (let c = first; c <= last; c++, at += 4)
        children.push([String.fromCharCode(c), buf.readUInt32BE(at)]);
    }
    if (ref & 0x40000000) {
      const count = buf.readUInt32BE(at);
      at += 4;
      for (let i = 0; i < count; i++) {
        const priority = buf.readUInt32BE(at);
        const end = buf.indexOf(0, at + 4);
        out.push(`${key} => [${priority}] ${buf.toString("latin1", at + 4, end)}`);
        at = end + 1;
      }
    }
    for (const [c, child] of children) if (child) walk(child, key + c);
  };
  walk(buf.readUInt32BE(8), "");
  return out;
}

describe("KmodIndex", () => {
  it("writes an empty index as a header and an empty root", () => {
    const empty = Buffer.from("b007f45700020001" + "0000000c", "hex");
    assert.deepEqual(new KmodIndex().serialize("pre"), empty);
    assert.deepEqual(new KmodIndex().serialize("post"), empty);
  });

  it("holds the same entries in either layout, keys in order, values by priority", () => {
    const index = new KmodIndex();
    const add: [string, string, number][] = [
      ["virtio:d00000001v*", "virtio_net", 3],
      ["virtio:d00000002v*", "virtio_blk", 1],
      ["virtio", "a", 2],
      ["virtio", "b", 0],
      ["virtio", "c", 2],
      ["pci:v*", "x", 5],
      ["", "root", 0],
    ];
    for (const [k, v, p] of add) index.insert(k, v, p);
    const expected = [
      " => [0] root",
      "pci:v* => [5] x",
      "virtio => [0] b",
      "virtio => [2] c", // equal priority: the later value first, as depmod does
      "virtio => [2] a",
      "virtio:d00000001v* => [3] virtio_net",
      "virtio:d00000002v* => [1] virtio_blk",
    ];
    const pre = index.serialize("pre");
    const post = index.serialize("post");
    assert.deepEqual(entries(pre), expected);
    assert.deepEqual(entries(post), expected);
    assert.equal(pre.length, post.length);
    assert.notDeepEqual(pre, post);
    // Pre-order puts the root right after the header.
    assert.equal(pre.readUInt32BE(8) & 0x0fffffff, 12);
  });

  it("refuses keys and values that are not 7-bit ASCII", () => {
    assert.throws(
      () => new KmodIndex().insert("caf\u00e9", "m", 0),
      (e: unknown) => e instanceof BrokkrError && e.code === "kernel.invalid",
    );
  });
});
