import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BrokkrError } from "../errors.ts";
import { writeQcow2 } from "./qcow2.ts";
import { runTool } from "./test-helpers.ts";
import { goldenMismatch } from "../errata/goldens.ts";

const dir = mkdtempSync(join(tmpdir(), "brokkr-qcow2-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const MIB = 1024 * 1024;
const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** 80 MiB + 3 KiB, mostly zero: data at the start, in the middle, across clusters and at the end. */
function sparseRaw(): string {
  const size = 80 * MIB + 3 * 1024;
  const path = join(dir, "raw.img");
  const fd = openSync(path, "w");
  try {
    ftruncateSync(fd, size);
    const put = (offset: number, data: Buffer) => writeSync(fd, data, 0, data.length, offset);
    put(0, Buffer.alloc(70_000, 0x11));
    put(30 * MIB + 5, Buffer.from("middle"));
    put(64 * MIB - 10, Buffer.alloc(20, 0x22)); // spans two clusters
    put(size - 100, Buffer.alloc(100, 0x33)); // the partial last cluster
  } finally {
    closeSync(fd);
  }
  return path;
}

const raw = sparseRaw();

test("a sparse raw file: qemu-img finds no errors and the same contents; zero runs stay unallocated", async () => {
  const out = join(dir, "a.qcow2");
  const r = await writeQcow2(out, raw);
  assert.equal(r.virtualSize, statSync(raw).size);
  assert.equal(r.dataClusters, 2 + 1 + 2 + 1);
  assert.equal(statSync(out).size, r.sizeBytes);
  assert.ok(r.sizeBytes < 2 * MIB, `${r.sizeBytes} bytes`);
  const check = runTool("qemu-img", ["check", out]);
  assert.equal(check.status, 0, check.stdout.toString() + check.stderr);
  assert.match(check.stdout.toString(), /No errors were found on the image/);
  const cmp = runTool("qemu-img", ["compare", "-f", "raw", "-F", "qcow2", raw, out]);
  assert.equal(cmp.status, 0, cmp.stdout.toString() + cmp.stderr);
  const info = JSON.parse(runTool("qemu-img", ["info", "--output=json", out]).stdout.toString());
  assert.equal(info.format, "qcow2");
  assert.equal(info["virtual-size"], r.virtualSize);
  assert.equal(info["cluster-size"], 65536);
  assert.equal(info["format-specific"].data.compat, "1.1");
  assert.equal(goldenMismatch("formats/qcow2: a sparse raw disk", readFileSync(out)), undefined);
});

test("from a Buffer with small clusters: the same checks, and bytes that do not change", async () => {
  const data = Buffer.alloc(3 * MIB);
  for (let i = 0; i < data.length; i += 4000) data[i] = (i / 4000) & 0xff || 1;
  const rawPath = join(dir, "small.img");
  writeFileSync(rawPath, data);
  const a = join(dir, "small-a.qcow2");
  const b = join(dir, "small-b.qcow2");
  // 512-byte clusters: 64 entries per L2 table, 256 refcounts per block, so many of each.
  const r = await writeQcow2(a, data, { clusterBits: 9 });
  assert.equal(r.dataClusters, Math.ceil(data.length / 4000));
  await writeQcow2(b, rawPath, { clusterBits: 9 });
  assert.equal(sha(a), sha(b));
  const check = runTool("qemu-img", ["check", a]);
  assert.equal(check.status, 0, check.stdout.toString() + check.stderr);
  const cmp = runTool("qemu-img", ["compare", "-f", "raw", "-F", "qcow2", rawPath, a]);
  assert.equal(cmp.status, 0, cmp.stdout.toString() + cmp.stderr);
});

test("an empty disk and odd cluster sizes are refused", async () => {
  const isInvalid = (e: unknown) => e instanceof BrokkrError && e.code === "image.invalid";
  await assert.rejects(writeQcow2(join(dir, "e.qcow2"), Buffer.alloc(0)), isInvalid);
  await assert.rejects(writeQcow2(join(dir, "e.qcow2"), Buffer.alloc(512), { clusterBits: 8 }), isInvalid);
});
