// The multiboot2 ISO on synthetic GRUB directories, read back by xorriso and mtools: El Torito
// entries, the ISO 9660 config GRUB EFI reads from a CD, the ESP as the MBR's partition, and the
// BIOS pieces (cdboot.img + core.img with its boot info table, boot.img pointing at that core).
// The real packages are booted in composer/e2e/matrix-multiboot2.test.ts.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pcDir } from "../../boot/grub-fixture.ts";
import { grubDir, grubIsoConfig } from "../../boot/grub.ts";
import { BrokkrError } from "../../errors.ts";
import { type GrubIsoOptions, grubIsoOptions } from "./disk.ts";
import { writeIsoImage } from "../iso-image.ts";

const efi = grubDir(
  [
    { path: "./usr/lib/grub/x86_64-efi/monolithic/grubx64.efi", data: Buffer.from("MZ fake GRUB EFI") },
    { path: "./usr/lib/grub/x86_64-efi/moddep.lst", data: Buffer.from("multiboot2: boot\nboot:\n") },
    { path: "./usr/lib/grub/x86_64-efi/multiboot2.mod", data: Buffer.from("m") },
    { path: "./usr/lib/grub/x86_64-efi/boot.mod", data: Buffer.from("b") },
  ],
  "x86_64-efi",
);
const base: GrubIsoOptions = {
  firmware: "uefi",
  efi,
  xen: Buffer.alloc(5000, 0x58),
  xenArgs: "console=com1",
  kernel: Buffer.alloc(9000, 0x4b),
  kernelArgs: "console=hvc0",
  initrd: Buffer.alloc(3000, 0x49),
  seed: "cd".repeat(32),
  mtime: 1_700_000_000,
};
const env = { ...process.env, MTOOLS_SKIP_CHECK: "1" };

async function writeIso(opts: GrubIsoOptions): Promise<{ iso: string; report: string; bytes: Buffer }> {
  const iso = join(mkdtempSync(join(tmpdir(), "brokkr-grub-iso-")), "image.iso");
  await writeIsoImage(iso, grubIsoOptions(opts));
  const report = execFileSync("xorriso", ["-indev", iso, "-report_el_torito", "plain", "-report_system_area", "plain", "-find", "/"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { iso, report, bytes: readFileSync(iso) };
}

function isoRead(iso: string, path: string): string {
  const out = join(mkdtempSync(join(tmpdir(), "brokkr-grub-iso-x-")), "file");
  execFileSync("xorriso", ["-osirrox", "on", "-indev", iso, "-extract", path, out], { stdio: "ignore" });
  return readFileSync(out, "utf8");
}

function espOffset(report: string): number {
  const start = /MBR partition +:\s+1\s+0x[08]0\s+0xef\s+(\d+)/.exec(report)?.[1];
  assert.ok(start, `an 0xEF MBR partition in\n${report}`);
  return Number(start) * 512;
}

test("UEFI ISO: the ESP as El Torito image and MBR partition, GRUB EFI's CD config in the ISO 9660 tree", async () => {
  const { iso, report, bytes } = await writeIso(base);
  assert.match(report, /El Torito boot img :\s+1\s+UEFI\s+y\s+none/);
  assert.doesNotMatch(report, /BIOS/);
  assert.match(report, /'\/EFI\/DEBIAN\/GRUB\.CFG'/);
  assert.equal(isoRead(iso, "/EFI/DEBIAN/GRUB.CFG"), grubIsoConfig("/EFIBOOT.IMG"));
  assert.equal(bytes.readUInt32LE(0), 0, "no MBR boot code for UEFI");
  const esp = `${iso}@@${espOffset(report)}`;
  const files = execFileSync("mdir", ["-/", "-b", "-i", esp, "::/"], { encoding: "utf8", env });
  for (const f of ["EFI/BOOT/BOOTX64.EFI", "EFI/debian/grub.cfg", "EFI/debian/x86_64-efi/multiboot2.mod", "xen", "vmlinuz", "initrd.img"]) {
    assert.match(files, new RegExp(`::/${f}\\n`), f);
  }
  const cfg = execFileSync("mtype", ["-i", esp, "::/EFI/debian/grub.cfg"], { encoding: "utf8", env });
  assert.match(cfg, /^insmod multiboot2\n(.*\n)*multiboot2 \/xen console=com1\nmodule2 \/vmlinuz console=hvc0\nmodule2 \/initrd\.img\nboot$/m);
  assert.doesNotMatch(cfg, /loopback/, "from a disk GRUB EFI starts on the ESP itself");
});

test("BIOS ISO: cdboot.img + core.img as the BIOS El Torito entry, boot.img in the MBR pointing at the same core", async () => {
  const pc = pcDir();
  const { report, bytes } = await writeIso({ ...base, firmware: "bios", pc });
  // What grub-mkrescue's `xorriso -b … -no-emul-boot -boot-load-size 4 -boot-info-table` writes.
  const entry = /El Torito boot img :\s+1\s+BIOS\s+y\s+none\s+0x0000\s+0x00\s+4\s+(\d+)/.exec(report);
  assert.ok(entry, report);
  assert.match(report, /El Torito img path :\s+1\s+\/GRUBCD\.IMG/);
  assert.match(report, /El Torito img opts :\s+1\s+boot-info-table grub2-boot-info/);
  assert.match(report, /El Torito boot img :\s+2\s+UEFI\s+y\s+none/);
  assert.match(report, /MBR partition +:\s+1\s+0x80\s+0xef/);
  const block = Number(entry[1]);
  const image = bytes.subarray(block * 2048);
  assert.ok(image.subarray(64, 2048).equals(pc.get("cdboot.img")!.subarray(64)), "cdboot.img first");
  assert.equal(image.readUInt32LE(8), 16, "boot info table: the volume descriptor's block");
  assert.equal(image.readUInt32LE(12), block, "boot info table: the image's own block");
  const length = image.readUInt32LE(16);
  assert.ok(length > 2048 + 512 && (length - 2048) % 512 === 0, "boot info table: cdboot + core");
  // boot.img → diskboot.img (the core's first sector) → the rest of the core, all inside GRUBCD.IMG.
  const coreLba = block * 4 + 4;
  assert.ok(bytes.subarray(0, 440).subarray(0x68).equals(pc.get("boot.img")!.subarray(0x68, 440)), "boot.img in the MBR");
  assert.equal(bytes.readBigUInt64LE(0x5c), BigInt(coreLba));
  assert.equal(bytes.readBigUInt64LE(coreLba * 512 + 500), BigInt(coreLba + 1));
  assert.equal(bytes.readUInt16LE(coreLba * 512 + 508), (length - 2048) / 512 - 1, "diskboot loads the rest of the core");
});

const unlzma = (stream: Buffer) =>
  execFileSync(
    "python3",
    [
      "-c",
      "import lzma,sys; d=lzma.LZMADecompressor(format=lzma.FORMAT_RAW, filters=[{'id': lzma.FILTER_LZMA1, 'lc': 3, 'lp': 0, 'pb': 2, 'dict_size': 65536}]); sys.stdout.buffer.write(d.decompress(sys.stdin.buffer.read()))",
    ],
    { input: stream },
  );

test("BIOS ISO: the core opens the ESP image on the boot drive's ISO 9660 tree, whole", () => {
  const opts = grubIsoOptions({ ...base, firmware: "bios", pc: pcDir() });
  const core = opts.bios!.bootImage.data.subarray(2048);
  const compressed = core.readUInt32LE(512 + 8);
  const plain = unlzma(core.subarray(512 + 96, 512 + 96 + compressed)).toString("latin1");
  for (const m of ["biosdisk", "iso9660", "loopback", "fat", "echo", "multiboot2"]) assert.ok(plain.includes(`<${m}.mod>`), m);
  assert.match(plain, /\nloopback esp \/EFIBOOT\.IMG\nset root=esp\n(.*\n)*multiboot2 \/xen console=com1\n/);
  assert.match(plain, /\0\/EFI\/debian\0/, "a prefix without a device: GRUB's root is the boot drive");
  assert.throws(
    () => grubIsoOptions({ ...base, firmware: "bios" }),
    (e: unknown) => e instanceof BrokkrError && e.code === "boot.loader-missing" && /i386-pc/.test(e.message),
  );
});
