import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { detectLimineVersion, type LimineFiles } from "../boot/limine.ts";
import { writeLimineDiskImage } from "./limine-disk.ts";

const hdd = Buffer.alloc(512 + 40 * 512 + 17, 0x5a);
hdd.fill(0xc3, 0, 440);
const limine: LimineFiles = {
  dir: "/fake",
  version: detectLimineVersion(Buffer.from("Limine 8.2.0")),
  efi: Buffer.from("MZ fake Limine EFI"),
  bios: { sys: Buffer.from("limine-bios.sys"), hdd },
};
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
