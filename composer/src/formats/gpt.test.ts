import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BrokkrError } from "../errors.ts";
import { writeFat32 } from "./fat32.ts";
import {
  buildGptTables,
  type GptPartitionInput,
  gptTypes,
  guidFromSeed,
  layoutGpt,
  writeGptDisk,
} from "./gpt.ts";
import { checkFat, runTool } from "./test-helpers.ts";
import { goldenMismatch } from "../errata/goldens.ts";

const MIB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), "brokkr-gpt-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const diskGuid = guidFromSeed("test disk");
const esp: GptPartitionInput = {
  name: "EFI System Partition",
  typeGuid: gptTypes.efiSystem,
  guid: guidFromSeed("test esp"),
  sizeBytes: 33 * MIB,
};
const root: GptPartitionInput = {
  name: "root",
  typeGuid: gptTypes.linuxFilesystem,
  guid: guidFromSeed("test root"),
  sizeBytes: 4 * MIB + 512,
  attributes: 1n << 60n,
};
const opts = { diskGuid };
const layout = layoutGpt([esp, root], opts);
const espImage = writeFat32(
  [
    { path: "EFI/BOOT/BOOTX64.EFI", data: Buffer.alloc(300_000, 0x5a) },
    { path: "limine.conf", data: Buffer.from("timeout: 0\n") },
  ],
  {
    sizeBytes: esp.sizeBytes,
    volumeId: 0xc0ffee,
    mtime: 1_700_000_000,
    hiddenSectors: layout.partitions[0]!.firstLba,
  },
);
// The root partition's data as chunks, with a long zero run in the middle.
const rootChunks = [Buffer.alloc(4096, 1), Buffer.alloc(2 * MIB), Buffer.alloc(1000, 2)];
const diskPath = join(dir, "disk.img");
const written = await writeGptDisk(
  diskPath,
  [
    { input: esp, data: espImage },
    { input: root, data: rootChunks },
  ],
  opts,
);
const disk = readFileSync(diskPath);

test("layout: 1 MiB aligned partitions (sizes rounded up), backup table at the end, whole-MiB disk", () => {
  assert.deepEqual(written, layout);
  assert.deepEqual(
    layout.partitions.map((p) => [p.firstLba, p.lastLba]),
    [
      [2048, 2048 + 33 * 2048 - 1],
      [34 * 2048, 39 * 2048 - 1],
    ],
  );
  assert.equal(layout.sizeBytes % MIB, 0);
  assert.equal(layout.totalSectors, 40 * 2048);
  assert.equal(layout.firstUsableLba, 34);
  assert.equal(layout.lastUsableLba, layout.totalSectors - 34);
  assert.equal(disk.length, layout.sizeBytes);
});

test("golden sha256 of the disk", () => {
  assert.equal(goldenMismatch("formats/gpt: the disk", disk), undefined);
});

test("the protective MBR leaves the boot code area free and covers the disk", () => {
  assert.ok(disk.subarray(0, 440).equals(Buffer.alloc(440)));
  assert.equal(disk[450], 0xee);
  assert.equal(disk.readUInt32LE(454), 1);
  assert.equal(disk.readUInt32LE(458), layout.totalSectors - 1);
  assert.equal(disk.readUInt16LE(510), 0xaa55);
  const code = Buffer.alloc(440, 0x90);
  const { head } = buildGptTables(layout, code);
  assert.ok(head.subarray(0, 440).equals(code));
  assert.ok(head.subarray(440).equals(disk.subarray(440, head.length)));
});

test("sgdisk -v finds no problems", () => {
  const r = runTool("sgdisk", ["-v", diskPath]);
  const out = r.stdout.toString();
  assert.equal(r.status, 0, out + r.stderr);
  // sgdisk exits 0 even on a broken table; its report is what counts.
  assert.match(out, /No problems found/);
  assert.doesNotMatch(out + r.stderr, /caution|warning|problem:/i);
});

test("sfdisk --json shows start, size, type, name and uuid of each partition", () => {
  const r = runTool("sfdisk", ["--json", diskPath]);
  assert.equal(r.status, 0, r.stderr);
  const table = JSON.parse(r.stdout.toString()).partitiontable;
  assert.equal(table.label, "gpt");
  assert.equal(table.id, diskGuid);
  assert.equal(table.firstlba, 34);
  assert.equal(table.lastlba, layout.totalSectors - 34);
  const [p1, p2] = table.partitions;
  assert.deepEqual(
    [p1.start, p1.size, p1.type, p1.uuid, p1.name],
    [2048, 33 * 2048, gptTypes.efiSystem, esp.guid, esp.name],
  );
  assert.deepEqual(
    [p2.start, p2.size, p2.type, p2.uuid, p2.name, p2.attrs],
    [34 * 2048, 5 * 2048, gptTypes.linuxFilesystem, root.guid, "root", "GUID:60"],
  );
});

test("the ESP inside the disk passes fsck.fat and mtools reads it at the partition offset", () => {
  const at = layout.partitions[0]!.offsetBytes;
  const espPath = join(dir, "esp.img");
  writeFileSync(espPath, disk.subarray(at, at + esp.sizeBytes));
  const report = checkFat(espPath);
  assert.match(report, /2048 hidden sectors/);
  const r = runTool("mtype", ["-i", `${diskPath}@@${at}`, "::/limine.conf"]);
  assert.equal(r.stdout.toString(), "timeout: 0\n");
});

test("partition data lands at its offset; zero runs stay holes", () => {
  const at = layout.partitions[1]!.offsetBytes;
  const expected = Buffer.concat(rootChunks);
  assert.ok(disk.subarray(at, at + expected.length).equals(expected));
  const allocated = statSync(diskPath).blocks * 512;
  assert.ok(allocated < layout.sizeBytes - 2 * MIB, `allocated ${allocated} of ${layout.sizeBytes}`);
});

test("guidFromSeed is deterministic, version 4, variant 10", () => {
  assert.equal(guidFromSeed("x"), guidFromSeed("x"));
  assert.notEqual(guidFromSeed("x"), guidFromSeed("y"));
  assert.match(guidFromSeed("x"), /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
});

test("rejects bad GUIDs, long names, too many partitions and oversized data", async () => {
  const code = (c: string) => (e: unknown) => e instanceof BrokkrError && e.code === c;
  assert.throws(() => layoutGpt([{ ...esp, guid: "nope" }], opts), code("image.invalid"));
  assert.throws(() => layoutGpt([esp, { ...root, guid: esp.guid }], opts), code("image.invalid"));
  assert.throws(() => layoutGpt([{ ...esp, name: "x".repeat(37) }], opts), code("image.invalid"));
  assert.throws(() => layoutGpt(Array(129).fill(esp), opts), code("image.invalid"));
  const small = { ...root, sizeBytes: 1000 };
  const path = join(dir, "fail.img");
  await assert.rejects(
    writeGptDisk(path, [{ input: small, data: Buffer.alloc(MIB + 1, 1) }], opts),
    code("image.too-large"),
  );
  assert.throws(() => statSync(path), "no file left behind");
});
