import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BrokkrError } from "../errors.ts";
import { writeFat32 } from "./fat32.ts";
import { efiImageSector, ISO_BLOCK, type IsoOptions, writeIso9660 } from "./iso9660.ts";
import { checkFat, runTool } from "./test-helpers.ts";
import { goldenMismatch } from "../errata/goldens.ts";

const dir = mkdtempSync(join(tmpdir(), "brokkr-iso-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const mtime = 1_700_000_000;
const esp = writeFat32([{ path: "EFI/BOOT/BOOTX64.EFI", data: Buffer.alloc(300_000, 0x5a) }], {
  label: "BROKKR",
  volumeId: 0xc0ffee,
  mtime,
});
const base: IsoOptions = {
  volumeId: "BROKKR_TEST",
  mtime,
  efiBootImage: esp,
  diskId: 0x12345678,
  files: [{ name: "README.TXT", data: Buffer.from("hello\n") }],
};
const bios = Buffer.alloc(4096, 0x90);

function writeIso(name: string, opts: IsoOptions) {
  const r = writeIso9660(opts);
  const bytes = Buffer.concat(r.chunks);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { ...r, bytes, path };
}

const uefi = writeIso("uefi.iso", base);
const hybrid = writeIso("bios.iso", { ...base, biosBootImage: { name: "BIOS.BIN", data: bios, bootInfoTable: true } });
const hasXorriso = spawnSync("xorriso", ["-version"]).error === undefined;

function xorriso(path: string, ...cmds: string[]): string {
  const r = runTool("xorriso", ["-indev", path, ...cmds]);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.toString() + r.stderr; // the media summary goes to stderr
}

test("golden sha256 at a fixed date", () => {
  assert.equal(uefi.bytes.length, uefi.layout.totalBlocks * ISO_BLOCK);
  assert.equal(goldenMismatch("formats/iso9660: UEFI El Torito", uefi.bytes), undefined);
  assert.equal(goldenMismatch("formats/iso9660: hybrid BIOS + UEFI", hybrid.bytes), undefined);
});

test("xorriso sees the volume, its files and a UEFI El Torito entry over the ESP", (t) => {
  if (!hasXorriso) return t.skip("xorriso is not installed (apt-get install xorriso)");
  const out = xorriso(uefi.path, "-report_el_torito", "plain", "-lsl", "/");
  assert.match(out, /Volume id\s+: 'BROKKR_TEST'/);
  assert.match(out, /El Torito boot img :\s+1\s+UEFI\s+y\s+none\s+0x0000\s+0x00\s+0\s+24\b/);
  assert.match(out, /El Torito img path :\s+1\s+\/EFIBOOT\.IMG/);
  assert.match(out, new RegExp(`\\s${esp.length} \\w+ \\d+ +2023 'EFIBOOT.IMG'`));
  assert.match(out, /\s6 \w+ \d+ +2023 'README.TXT'/);
  // Volume dates (UTC) come from mtime: 1700000000 is 2023-11-14 22:13:20.
  const pvd = uefi.bytes.subarray(16 * ISO_BLOCK, 17 * ISO_BLOCK);
  assert.equal(pvd.toString("latin1", 813, 829), "2023111422132000");
  assert.equal(pvd.toString("latin1", 830, 846), "2023111422132000");
  assert.doesNotMatch(out, /El Torito boot img :\s+2/);
});

test("with a BIOS image: BIOS default entry with a boot info table, then a UEFI section", (t) => {
  if (!hasXorriso) return t.skip("xorriso is not installed (apt-get install xorriso)");
  const out = xorriso(hybrid.path, "-report_el_torito", "plain");
  assert.match(out, /El Torito boot img :\s+1\s+BIOS\s+y\s+none\s+0x0000\s+0x00\s+4\s+\d+/);
  assert.match(out, /El Torito img opts :\s+1\s+boot-info-table/);
  assert.match(out, /El Torito boot img :\s+2\s+UEFI\s+y\s+none/);
  // The table itself: PVD at 16, the image's block and length.
  const at = (hybrid.layout.biosBlock ?? 0) * ISO_BLOCK;
  assert.equal(hybrid.bytes.readUInt32LE(at + 8), 16);
  assert.equal(hybrid.bytes.readUInt32LE(at + 12), hybrid.layout.biosBlock);
  assert.equal(hybrid.bytes.readUInt32LE(at + 16), bios.length);
  assert.equal(bios.readUInt32LE(8), 0x90909090, "the caller's buffer is not patched");
});

test("hybrid: the MBR has one 0xEF partition over the ESP image, which is a clean FAT", (t) => {
  const table = JSON.parse(runTool("sfdisk", ["--json", uefi.path]).stdout.toString());
  const start = uefi.layout.efiBlock * 4;
  assert.equal(efiImageSector(base), start);
  assert.equal(efiImageSector({ ...base, biosBootImage: { name: "BIOS.BIN", data: bios } }), hybrid.layout.efiBlock * 4);
  assert.deepEqual(table.partitiontable.partitions, [
    { node: `${uefi.path}1`, start, size: esp.length / 512, type: "ef" },
  ]);
  assert.equal(table.partitiontable.id, "0x12345678");
  const espPath = join(dir, "esp.img");
  writeFileSync(espPath, uefi.bytes.subarray(start * 512, start * 512 + esp.length));
  checkFat(espPath);
  // The ESP is the last thing in the ISO (a 0 sector count means "to the end of the medium").
  assert.equal(start * 512 + esp.length, uefi.bytes.length);
  if (!hasXorriso) return t.skip("xorriso is not installed (apt-get install xorriso)");
  const sys = xorriso(uefi.path, "-report_system_area", "plain");
  assert.match(sys, /MBR partition +:\s+1\s+0x00\s+0xef\s+96\s+\d+/);
  assert.match(sys, /MBR partition path :\s+1\s+\/EFIBOOT\.IMG/);
});

test("hybrid BIOS boot: boot code in the MBR, its stage 2 right after it, the partition active", () => {
  const code = Buffer.alloc(440, 0xc3);
  const stage2 = Buffer.alloc(41 * 512 - 17, 0x5a);
  const r = writeIso("usb.iso", { ...base, mbrBootCode: code, mbrStage2: stage2 });
  assert.ok(r.bytes.subarray(0, 440).equals(code));
  assert.ok(r.bytes.subarray(512, 512 + stage2.length).equals(stage2));
  assert.ok(r.bytes.subarray(512 + stage2.length, 16 * ISO_BLOCK).every((b) => b === 0), "the rest of the system area stays zero");
  assert.equal(r.bytes.readUInt32LE(440), 0x12345678);
  assert.equal(r.bytes[446], 0x80, "active, as `limine bios-install` leaves it");
  assert.equal(r.bytes.readUInt16LE(510), 0xaa55);
  assert.equal(uefi.bytes[446], 0x00, "no boot code: not active");
  assert.equal(r.bytes.toString("latin1", 16 * ISO_BLOCK + 1, 16 * ISO_BLOCK + 6), "CD001");
});

test("bad names, sizes and volume ids are refused", () => {
  const bad = (opts: Partial<IsoOptions>) =>
    assert.throws(() => writeIso9660({ ...base, ...opts }), (e) => e instanceof BrokkrError && e.code === "image.invalid");
  bad({ volumeId: "lower case" });
  bad({ efiBootImage: Buffer.alloc(1000) });
  bad({ files: [{ name: "toolongname.txt", data: Buffer.alloc(1) }] });
  bad({ files: [{ name: "EFIBOOT.IMG", data: Buffer.alloc(1) }] });
  bad({ mbrBootCode: Buffer.alloc(446) });
  bad({ mbrStage2: Buffer.alloc(16 * ISO_BLOCK - 511) });
});
