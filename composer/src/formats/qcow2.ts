// qcow2 version 3 writer (QEMU's docs/interop/qcow2.txt): a raw disk becomes a header, an L1
// table, a refcount table with its blocks, L2 tables and the non-zero data clusters, in that
// order. Clusters that are all zero stay unallocated (their L2 entry is 0), so they read as
// zeros and take no space. No compression, no snapshots, no backing file, no extensions.

import { type FileHandle, open } from "node:fs/promises";
import { BrokkrError } from "../errors.ts";

export interface Qcow2Options {
  /** log2 of the cluster size; 16 (64 KiB, QEMU's default) unless given. */
  clusterBits?: number;
}

export interface Qcow2Result {
  virtualSize: number;
  sizeBytes: number;
  dataClusters: number;
}

/** Where raw bytes come from: a Buffer, or a file read in pieces. */
interface RawSource {
  size: number;
  /** Bytes at `offset`, in `into` (a file) or a view of the source Buffer; short at the end. */
  read(offset: number, into: Buffer): Promise<Buffer>;
}

const HEADER_LENGTH = 104;
const COPIED = 1n << 63n; // "refcount is exactly one": set on every L1 and L2 entry we write
const REFCOUNT_ORDER = 4; // 16-bit refcounts, QEMU's default
const READ_BATCH = 8 * 1024 * 1024;

/** Converts `source` (a raw disk as a Buffer, or its path) into a qcow2 file at `path`. */
export async function writeQcow2(path: string, source: Buffer | string, opts: Qcow2Options = {}): Promise<Qcow2Result> {
  const bits = opts.clusterBits ?? 16;
  if (!Number.isInteger(bits) || bits < 9 || bits > 21) {
    throw new BrokkrError("image.invalid", `qcow2: cluster bits ${bits} is outside 9..21`);
  }
  const input = typeof source === "string" ? await open(source, "r") : undefined;
  try {
    const raw: RawSource = input
      ? { size: (await input.stat()).size, read: (offset, into) => readAt(input, offset, into) }
      : { size: source.length, read: async (offset, into) => (source as Buffer).subarray(offset, offset + into.length) };
    if (raw.size === 0) throw new BrokkrError("image.invalid", "qcow2: the raw disk is empty");
    const cluster = 2 ** bits;
    const used = await findDataClusters(raw, cluster);
    const meta = encodeMetadata(raw.size, cluster, bits, used);
    const out = await open(path, "w");
    try {
      await out.write(meta.head, 0, meta.head.length, 0);
      let at = meta.dataOffset;
      const buf = Buffer.alloc(cluster);
      for (const index of used) {
        let data = await raw.read(index * cluster, buf);
        if (data.length < cluster) data = Buffer.concat([data, Buffer.alloc(cluster - data.length)]);
        await out.write(data, 0, cluster, at);
        at += cluster;
      }
      await out.truncate(at);
      return { virtualSize: raw.size, sizeBytes: at, dataClusters: used.length };
    } finally {
      await out.close();
    }
  } finally {
    await input?.close();
  }
}

async function readAt(fh: FileHandle, offset: number, into: Buffer): Promise<Buffer> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await fh.read(into, done, into.length - done, offset + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return into.subarray(0, done);
}

/** Indexes of the guest clusters holding any non-zero byte, ascending. */
async function findDataClusters(raw: RawSource, cluster: number): Promise<number[]> {
  const zero = Buffer.alloc(cluster);
  const used: number[] = [];
  const batch = Buffer.allocUnsafe(Math.max(cluster, Math.floor(READ_BATCH / cluster) * cluster));
  for (let off = 0; off < raw.size; off += batch.length) {
    const buf = await raw.read(off, batch.subarray(0, Math.min(batch.length, raw.size - off)));
    for (let i = 0; i < buf.length; i += cluster) {
      const piece = buf.subarray(i, i + cluster);
      if (!piece.equals(zero.subarray(0, piece.length))) used.push((off + i) / cluster);
    }
  }
  return used;
}

/** Header, L1, refcount table and blocks, and L2 tables: everything before the data clusters. */
function encodeMetadata(size: number, cluster: number, bits: number, used: number[]) {
  const guestClusters = Math.ceil(size / cluster);
  const l2Entries = cluster / 8;
  const l1Size = Math.ceil(guestClusters / l2Entries);
  const l1Clusters = Math.ceil((l1Size * 8) / cluster);
  const l2Tables = [...new Set(used.map((i) => Math.floor(i / l2Entries)))]; // ascending, as `used` is
  const refsPerBlock = (cluster * 8) / 2 ** REFCOUNT_ORDER;
  // The refcount structures count themselves: grow them until they cover every cluster.
  let blocks = 1;
  let tableClusters = 1;
  let total = 0;
  for (;;) {
    total = 1 + l1Clusters + tableClusters + blocks + l2Tables.length + used.length;
    const needBlocks = Math.ceil(total / refsPerBlock);
    const needTable = Math.ceil((needBlocks * 8) / cluster);
    if (needBlocks <= blocks && needTable <= tableClusters) break;
    blocks = Math.max(blocks, needBlocks);
    tableClusters = Math.max(tableClusters, needTable);
  }
  const l1At = 1;
  const tableAt = l1At + l1Clusters;
  const blocksAt = tableAt + tableClusters;
  const l2At = blocksAt + blocks;
  const dataAt = l2At + l2Tables.length;

  const head = Buffer.alloc(dataAt * cluster);
  head.write("QFI\xfb", 0, "latin1");
  head.writeUInt32BE(3, 4);
  head.writeUInt32BE(bits, 20);
  head.writeBigUInt64BE(BigInt(size), 24);
  head.writeUInt32BE(l1Size, 36);
  head.writeBigUInt64BE(BigInt(l1At * cluster), 40);
  head.writeBigUInt64BE(BigInt(tableAt * cluster), 48);
  head.writeUInt32BE(tableClusters, 56);
  head.writeUInt32BE(REFCOUNT_ORDER, 96);
  head.writeUInt32BE(HEADER_LENGTH, 100);
  // Bytes 104..111 stay zero: the end of the (empty) header extension list.

  l2Tables.forEach((l1Index, n) => {
    head.writeBigUInt64BE(BigInt((l2At + n) * cluster) | COPIED, l1At * cluster + l1Index * 8);
  });
  const l2Of = new Map(l2Tables.map((l1Index, n) => [l1Index, l2At + n]));
  used.forEach((guest, n) => {
    const table = l2Of.get(Math.floor(guest / l2Entries)) as number;
    head.writeBigUInt64BE(BigInt((dataAt + n) * cluster) | COPIED, table * cluster + (guest % l2Entries) * 8);
  });
  for (let b = 0; b < blocks; b++) head.writeBigUInt64BE(BigInt((blocksAt + b) * cluster), tableAt * cluster + b * 8);
  for (let c = 0; c < total; c++) head.writeUInt16BE(1, blocksAt * cluster + c * 2);
  return { head, dataOffset: dataAt * cluster };
}
