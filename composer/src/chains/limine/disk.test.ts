import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { detectLimineVersion, type LimineFiles } from "../../boot/limine.ts";
import { BrokkrError } from "../../errors.ts";
import { writeIsoImage } from "../iso-image.ts";
import { limineIsoOptions, writeLimineDiskImage } from "./disk.ts";

const hdd = Buffer.alloc(512 + 40 * 512 + 17, 0x5a);
hdd.fill(0xc3, 0, 440);
const limine: LimineFiles = {
  dir: "/fake",
  version: detectLimineVersion(Buffer.from("Limine 8.2.0")),
  efi: Buffer.from("MZ fake Limine EFI"),
  bios: { sys: Buffer.from("limine-bios.sys"), hdd },
};
// limine-bios-cd.bin: 12 CD blocks; bytes 8..63 are the boot info table the ISO writer fills in.
const cd = Buffer.alloc(12 * 2048, 0x66);
const base = {
  arch: "x86_64" as const,
  limine,
  kernel: Buffer.alloc(4096, 1),
  initrd: Buffer.alloc(8192, 2),
  cmdline: "console=ttyS0,115200",
  title: "minimal",
  seed: "ab".repeat(32),
  mtime: 1_700_000_000,
};

function sgdisk(args: string[]): string {
  return execFileSync("sgdisk", args, { encoding: "utf8" });
}

test("BIOS disk: ESP + BIOS boot partition holding stage 2, MBR told where it is", async () => {
  const disk = join(mkdtempSync(join(tmpdir(), "brokkr-limine-disk-")), "disk.img");
  await writeLimineDiskImage(disk, { ...base, firmware: "bios" });
  assert.match(sgdisk(["-v", disk]), /No problems found/);
  const info = sgdisk(["-i", "2", disk]);
  assert.match(info, /21686148-6449-6E6F-744E-656564454649/, "partition 2 is a BIOS boot partition");
  const start = Number(/First sector: (\d+)/.exec(info)?.[1]);
  const img = readFileSync(disk);
  assert.equal(img.readBigUInt64LE(0x1a8), BigInt(start * 512), "stage 2 half A starts the partition");
  assert.equal(img.readUInt16LE(0x1a4) + img.readUInt16LE(0x1a6), 41 * 512);
  assert.ok(img.subarray(start * 512, start * 512 + hdd.length - 512).equals(hdd.subarray(512)));
  assert.equal(img[0], 0xc3, "stage 1 in the boot code");
  assert.equal(img.readUInt16LE(510), 0xaa55);
  const espAt = `${disk}@@${Number(/First sector: (\d+)/.exec(sgdisk(["-i", "1", disk]))?.[1]) * 512}`;
  const root = execFileSync("mdir", ["-b", "-i", espAt, "::/"], { encoding: "utf8" });
  for (const f of ["EFI", "limine.conf", "vmlinuz", "initrd.img", "limine-bios.sys"]) assert.match(root, new RegExp(`::/${f}`));
  const conf = execFileSync("mtype", ["-i", espAt, "::/limine.conf"], { encoding: "utf8" });
  assert.match(conf, /kernel_path: boot\(\):\/vmlinuz/);
  assert.match(conf, /cmdline: console=ttyS0,115200/);
});

test("UEFI disk: only the ESP, Limine at the removable-media path", async () => {
  const disk = join(mkdtempSync(join(tmpdir(), "brokkr-limine-disk-")), "disk.img");
  await writeLimineDiskImage(disk, { ...base, arch: "aarch64", firmware: "uefi" });
  assert.doesNotMatch(sgdisk(["-p", disk]), /EF02/);
  const start = Number(/First sector: (\d+)/.exec(sgdisk(["-i", "1", disk]))?.[1]);
  const efi = execFileSync("mtype", ["-i", `${disk}@@${start * 512}`, "::/EFI/BOOT/BOOTAA64.EFI"]);
  assert.equal(efi.toString(), "MZ fake Limine EFI");
  assert.equal(readFileSync(disk).readUInt32LE(0), 0, "no MBR boot code for UEFI");
});

test("BIOS ISO: El Torito BIOS entry for limine-bios-cd.bin, UEFI entry over the ESP, Limine's stage 1 + 2 for USB sticks", async () => {
  const iso = join(mkdtempSync(join(tmpdir(), "brokkr-limine-iso-")), "image.iso");
  await writeIsoImage(iso, limineIsoOptions({ ...base, firmware: "bios", limine: { ...limine, bios: { ...limine.bios!, cd } } }));
  const report = execFileSync("xorriso", ["-indev", iso, "-report_el_torito", "plain", "-report_system_area", "plain"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  // What `xorriso -b limine-bios-cd.bin -no-emul-boot -boot-load-size 4 -boot-info-table` writes.
  assert.match(report, /El Torito boot img :\s+1\s+BIOS\s+y\s+none\s+0x0000\s+0x00\s+4\s+(\d+)/);
  assert.match(report, /El Torito img path :\s+1\s+\/LIMINECD\.BIN/);
  assert.match(report, /El Torito img opts :\s+1\s+boot-info-table/);
  assert.match(report, /El Torito boot img :\s+2\s+UEFI\s+y\s+none/);
  assert.match(report, /El Torito img path :\s+2\s+\/EFIBOOT\.IMG/);
  assert.match(report, /MBR partition +:\s+1\s+0x80\s+0xef\s+(\d+)/);
  const img = readFileSync(iso);
  const cdBlock = Number(/El Torito boot img :\s+1\s+BIOS\s+y\s+none\s+0x0000\s+0x00\s+4\s+(\d+)/.exec(report)?.[1]);
  assert.equal(img.readUInt32LE(cdBlock * 2048 + 12), cdBlock, "the boot info table names the image's own block");
  assert.equal(img.readUInt32LE(cdBlock * 2048 + 16), cd.length);
  // Stage 1 in the MBR, told that stage 2 follows it (halves A and B consecutive from byte 512).
  assert.equal(img[0], 0xc3);
  assert.equal(img.readBigUInt64LE(0x1a8), 512n);
  assert.equal(img.readBigUInt64LE(0x1b0), 512n + BigInt(img.readUInt16LE(0x1a4)));
  assert.ok(img.subarray(512, hdd.length).equals(hdd.subarray(512)));
  const start = Number(/MBR partition +:\s+1\s+0x80\s+0xef\s+(\d+)/.exec(report)?.[1]);
  const root = execFileSync("mdir", ["-b", "-i", `${iso}@@${start * 512}`, "::/"], { encoding: "utf8", env: { ...process.env, MTOOLS_SKIP_CHECK: "1" } });
  for (const f of ["EFI", "limine.conf", "vmlinuz", "initrd.img", "limine-bios.sys"]) assert.match(root, new RegExp(`::/${f}`));
});

test("UEFI ISO: only the UEFI entry; a BIOS ISO without limine-bios-cd.bin is refused", async () => {
  const iso = join(mkdtempSync(join(tmpdir(), "brokkr-limine-iso-")), "image.iso");
  await writeIsoImage(iso, limineIsoOptions({ ...base, firmware: "uefi" }));
  const r = spawnSync("xorriso", ["-indev", iso, "-report_el_torito", "plain"], { encoding: "utf8" });
  assert.match(r.stdout, /El Torito boot img :\s+1\s+UEFI\s+y\s+none/);
  assert.doesNotMatch(r.stdout, /BIOS/);
  assert.equal(readFileSync(iso).readUInt32LE(0), 0, "no MBR boot code for UEFI");
  assert.throws(
    () => limineIsoOptions({ ...base, firmware: "bios" }),
    (e: unknown) => e instanceof BrokkrError && e.code === "boot.limine-missing" && /limine-bios-cd\.bin/.test(e.message),
  );
});
