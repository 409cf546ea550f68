// GRUB assembly on a synthetic platform directory: module order, core.img's layout (checked by
// decoding its LZMA body with Python's lzma module), the MBR and blocklist patches, and the ESP
// files for UEFI. The real packages are booted in composer/e2e/matrix-multiboot2.test.ts.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { BrokkrError } from "../errors.ts";
import { pcDir } from "./grub-fixture.ts";
import {
  buildGrubBiosCore,
  grubCdImage,
  grubDir,
  grubEfiFiles,
  grubIsoConfig,
  installGrubBios,
  moduleClosure,
  xenGrubConfig,
} from "./grub.ts";

const unlzma = (stream: Buffer) =>
  execFileSync(
    "python3",
    [
      "-c",
      "import lzma,sys; d=lzma.LZMADecompressor(format=lzma.FORMAT_RAW, filters=[{'id': lzma.FILTER_LZMA1, 'lc': 3, 'lp': 0, 'pb': 2, 'dict_size': 65536}]); sys.stdout.buffer.write(d.decompress(sys.stdin.buffer.read()))",
    ],
    { input: stream },
  );

test("moduleClosure: dependencies first, each once", () => {
  assert.deepEqual(moduleClosure(pcDir(), ["biosdisk", "multiboot2", "fat"], "i386-pc"), [
    "biosdisk",
    "boot",
    "mmap",
    "relocator",
    "multiboot2",
    "fshelp",
    "fat",
  ]);
});

test("moduleClosure: a missing module is an error naming it", () => {
  assert.throws(
    () => moduleClosure(pcDir(), ["zfs"], "i386-pc"),
    (e) => e instanceof BrokkrError && e.code === "boot.loader-missing" && /i386-pc\/zfs\.mod/.test(e.message),
  );
});

test("buildGrubBiosCore: diskboot + decompressor + LZMA(kernel, module area)", () => {
  const dir = pcDir();
  const core = buildGrubBiosCore(dir, { modules: ["multiboot2", "biosdisk"], config: "boot", prefix: "(,gpt1)/grub" });
  assert.equal(core.length % 512, 0);
  const bodySectors = core.readUInt16LE(512 - 12 + 8);
  assert.equal(core.length, 512 + bodySectors * 512, "diskboot's blocklist counts the sectors after it");
  assert.equal(core.readUInt16LE(510), 0x820 + 0x20, "the load segment is kept");
  const decompressor = core.subarray(512, 512 + 96);
  const compressedSize = decompressor.readUInt32LE(8);
  const plainSize = decompressor.readUInt32LE(12);
  assert.ok(decompressor.subarray(16).equals(Buffer.alloc(80, 0xcc)), "the rest of the decompressor is unchanged");
  const plain = unlzma(core.subarray(512 + 96, 512 + 96 + compressedSize)).subarray(0, plainSize);
  assert.equal(plain.length, plainSize);
  assert.equal(plain.subarray(0, 24).toString(), `${"T".repeat(16)}${"D".repeat(8)}`, "sections at address − 0x9000, no bss");
  assert.equal(plain.readUInt32LE(24), 0x676d696d, "module info magic 'mimg'");
  assert.equal(plain.readUInt32LE(28), 12);
  assert.equal(plain.readUInt32LE(32), plainSize - 24, "the module area's size includes its header");
  const objects: { type: number; data: string }[] = [];
  for (let at = 36; at < plainSize; ) {
    const size = plain.readUInt32LE(at + 4);
    objects.push({ type: plain.readUInt32LE(at), data: plain.subarray(at + 8, at + size).toString("latin1").replace(/\0+$/, "") });
    at += size;
  }
  assert.deepEqual(objects, [
    { type: 0, data: "<boot.mod>" },
    { type: 0, data: "<mmap.mod>" },
    { type: 0, data: "<relocator.mod>" },
    { type: 0, data: "<multiboot2.mod>" },
    { type: 0, data: "<biosdisk.mod>" },
    { type: 2, data: "boot" },
    { type: 3, data: "(,gpt1)/grub" },
  ]);
});

test("installGrubBios: the MBR names the core's LBA, the blocklist the sector after", () => {
  const dir = pcDir();
  const core = buildGrubBiosCore(dir, { modules: ["biosdisk"], config: "boot", prefix: "(,gpt1)/grub" });
  const { mbrBootCode, core: placed } = installGrubBios(dir, core, 2082);
  assert.equal(mbrBootCode.length, 440);
  assert.equal(mbrBootCode.readBigUInt64LE(0x5c), 2082n);
  assert.equal(mbrBootCode[0x64], 0xff, "boot from the drive the BIOS booted");
  assert.deepEqual([mbrBootCode[0x66], mbrBootCode[0x67]], [0x90, 0x90], "the floppy probe is skipped");
  assert.equal(placed.readBigUInt64LE(500), 2083n);
  assert.notEqual(core.readBigUInt64LE(500), 2083n, "the input core is not modified");
  assert.ok(placed.subarray(512).equals(core.subarray(512)), "only diskboot's blocklist changes");
});

test("grubEfiFiles: Debian's grubx64.efi, the config and multiboot2's closure under /EFI/debian", () => {
  const efi = grubDir(
    [
      { path: "./usr/lib/grub/x86_64-efi/monolithic/grubx64.efi", data: Buffer.from("MZ") },
      { path: "./usr/lib/grub/x86_64-efi/moddep.lst", data: Buffer.from("multiboot2: boot\nboot:\n") },
      { path: "./usr/lib/grub/x86_64-efi/multiboot2.mod", data: Buffer.from("m") },
      { path: "./usr/lib/grub/x86_64-efi/boot.mod", data: Buffer.from("b") },
      { path: "./usr/lib/grub/i386-pc/boot.mod", data: Buffer.from("other platform") },
    ],
    "x86_64-efi",
  );
  const files = grubEfiFiles(efi, "boot\n");
  assert.deepEqual(
    files.map((f) => f.path),
    ["EFI/BOOT/BOOTX64.EFI", "EFI/debian/grub.cfg", "EFI/debian/x86_64-efi/boot.mod", "EFI/debian/x86_64-efi/multiboot2.mod"],
  );
  assert.equal(files[0]!.data.toString(), "MZ");
});

test("xenGrubConfig: serial console, Xen by multiboot2, kernel and initrd as modules, insmod only for UEFI", () => {
  const entry = { xen: "/xen", xenArgs: "console=com1", kernel: "/vmlinuz", kernelArgs: "console=hvc0", initrd: "/initrd.img" };
  const uefi = xenGrubConfig(entry, { insmod: true });
  assert.match(uefi, /^insmod multiboot2$/m);
  assert.match(uefi, /^serial --unit=0 --speed=115200$/m);
  assert.match(uefi, /^multiboot2 \/xen console=com1\nmodule2 \/vmlinuz console=hvc0\nmodule2 \/initrd\.img\nboot$/m);
  assert.doesNotMatch(xenGrubConfig(entry, { insmod: false }), /insmod/);
});

test("xenGrubConfig with loopback: the ESP image becomes the root before Xen is loaded", () => {
  const entry = { xen: "/xen", xenArgs: "console=com1", kernel: "/vmlinuz", kernelArgs: "console=hvc0", initrd: "/initrd.img" };
  const cfg = xenGrubConfig(entry, { insmod: false, loopback: "/EFIBOOT.IMG" });
  assert.match(cfg, /^loopback esp \/EFIBOOT\.IMG\nset root=esp\n(.*\n)*multiboot2 \/xen console=com1$/m);
  assert.doesNotMatch(xenGrubConfig(entry, { insmod: false }), /loopback/);
});

test("grubIsoConfig: from the CD's ISO 9660 tree to the ESP image's own config", () => {
  assert.deepEqual(grubIsoConfig("/EFIBOOT.IMG").split("\n").slice(1), [
    "loopback esp /EFIBOOT.IMG",
    "set root=esp",
    "set prefix=(esp)/EFI/debian",
    "source $prefix/grub.cfg",
    "",
  ]);
});

test("grubCdImage: cdboot.img's CD block, then the core as placed for boot.img", () => {
  const dir = pcDir();
  dir.set("cdboot.img", Buffer.alloc(2048, 0xcd));
  const core = buildGrubBiosCore(dir, { modules: ["biosdisk"], config: "boot", prefix: "/grub" });
  const { core: placed } = installGrubBios(dir, core, 96);
  const image = grubCdImage(dir, placed);
  assert.equal(image.length, 2048 + placed.length);
  assert.ok(image.subarray(0, 2048).equals(Buffer.alloc(2048, 0xcd)));
  // What xorriso reports as "grub2-boot-info": diskboot's blocklist at byte 2548 names the
  // 512-byte sector after diskboot, i.e. 4 × the image's block + 5.
  assert.equal(image.readBigUInt64LE(2048 + 500), 97n);
  dir.set("cdboot.img", Buffer.alloc(512));
  assert.throws(() => grubCdImage(dir, placed), (e) => e instanceof BrokkrError && e.code === "boot.loader-missing");
  dir.delete("cdboot.img");
  assert.throws(() => grubCdImage(dir, placed), (e) => e instanceof BrokkrError && /cdboot\.img/.test(e.message));
});

test("grub.cfg refuses a kernel argument that GRUB would read as script", () => {
  const entry = { xen: "/xen.gz", xenArgs: "console=com1", kernel: "/vmlinuz", kernelArgs: "console=hvc0", initrd: "/initrd.img" };
  assert.match(xenGrubConfig(entry, { insmod: true }), /^module2 \/vmlinuz console=hvc0$/m);
  for (const bad of ["x;reboot", "$x", "a|b", "{", "'q'"]) {
    assert.throws(() => xenGrubConfig({ ...entry, kernelArgs: `quiet ${bad}` }, { insmod: true }), /not safe in a grub.cfg word/);
  }
});
