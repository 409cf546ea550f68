// GRUB from Debian's packages as the multiboot2 loader for Xen, assembled without grub-install.
//
// UEFI: grub-efi-amd64-unsigned ships a complete GRUB (`monolithic/grubx64.efi`, built by
// Debian with its normal, fat, part_gpt, serial, gzio… modules inside and the prefix
// /EFI/debian). It becomes \EFI\BOOT\BOOTX64.EFI unchanged; its normal mode reads
// /EFI/debian/grub.cfg, and the modules it lacks (multiboot2 and its dependencies) are loaded
// by `insmod` from /EFI/debian/x86_64-efi/, copied from grub-efi-amd64-bin of the same version.
//
// BIOS: Debian ships no core.img, so we do what grub-mkimage -O i386-pc and grub-bios-setup do.
// core.img = diskboot.img (its last 12 bytes a blocklist: first LBA u64, sectors u16, segment
// u16) + lzma_decompress.img (compressed size u32 at 0x08, uncompressed size u32 at 0x0c) +
// LZMA(kernel.img's sections placed at their address − 0x9000, then the module area: a header
// {magic "mimg", offset 12, total size} and objects {type u32, size u32 incl. header, data
// padded to 4}: modules deps-first (they are initialised in order, before any disk is
// readable), then the config (run by the rescue parser: plain commands only), then the prefix).
// The MBR gets boot.img's first 440 bytes with the core's LBA at 0x5c (u64), 0xff ("the drive
// the BIOS booted") at 0x64 and the floppy-probe jump at 0x66 replaced by two NOPs.
//
// BIOS from a CD (grub-mkimage -O i386-pc-eltorito): cdboot.img, one CD block that the BIOS
// loads, then the same core.img. cdboot reads the boot info table (the file's block and length),
// loads the rest of the file to 0x8000 and jumps to 0x8200, past diskboot.img, whose blocklist
// it never reads: one copy of the core also serves boot.img when the ISO is written to a disk.
import { assertSafe, grubWord } from "../terms/output-languages.ts";
import { BrokkrError } from "../errors.ts";
import { lzmaLiteralsOnly } from "../formats/lzma.ts";

const SECTOR = 512;
const LINK_ADDR = 0x9000;
const MODULE_MAGIC = 0x676d696d; // "mimg"
const OBJ_ELF = 0;
const OBJ_CONFIG = 2;
const OBJ_PREFIX = 3;
/** Where the ESP keeps GRUB's config and modules: the prefix built into Debian's grubx64.efi. */
export const GRUB_EFI_PREFIX = "EFI/debian";
/** What the BIOS core needs besides multiboot2: disk, GPT, FAT, serial console, and echo (the rescue parser has none built in). */
export const BIOS_CORE_MODULES = ["biosdisk", "part_gpt", "fat", "serial", "terminal", "echo", "multiboot2"];
/**
 * The same for an ISO: the boot drive's ISO 9660 tree (a CD, or the ISO written to a disk) holds
 * the ESP image, opened by loopback; echo shows the config running.
 */
export const BIOS_ISO_CORE_MODULES = ["biosdisk", "iso9660", "loopback", "fat", "serial", "terminal", "echo", "multiboot2"];

/** A GRUB platform directory (usr/lib/grub/<platform>/) by file name. */
export type GrubDir = ReadonlyMap<string, Buffer>;

/** Files under usr/lib/grub/<platform>/ of some package data tars, by file name. */
export function grubDir(entries: Iterable<{ path: string; data?: Buffer }>, platform: string): Map<string, Buffer> {
  const prefix = `usr/lib/grub/${platform}/`;
  const out = new Map<string, Buffer>();
  for (const e of entries) {
    const path = e.path.replace(/^\.?\//, "");
    if (e.data && path.startsWith(prefix)) out.set(path.slice(prefix.length), e.data);
  }
  return out;
}

function need(dir: GrubDir, name: string, platform: string): Buffer {
  const data = dir.get(name);
  if (!data) {
    throw new BrokkrError("boot.loader-missing", `GRUB's ${platform}/${name} is missing from the GRUB packages`, {
      hint: `the suite's grub packages for ${platform} do not ship ${name}; pin a suite whose GRUB does`,
    });
  }
  return data;
}

/** `modules` and everything they need (moddep.lst), dependencies before dependents. */
export function moduleClosure(dir: GrubDir, modules: readonly string[], platform: string): string[] {
  const deps = new Map<string, string[]>();
  for (const line of need(dir, "moddep.lst", platform).toString("utf8").split("\n")) {
    const m = /^([^:\s]+):\s*(.*)$/.exec(line);
    if (m) deps.set(m[1]!, m[2]!.split(/\s+/).filter(Boolean));
  }
  const order: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (order.includes(name) || path.includes(name)) return;
    if (!dir.has(`${name}.mod`)) need(dir, `${name}.mod`, platform);
    for (const d of deps.get(name) ?? []) visit(d, [...path, name]);
    order.push(name);
  };
  for (const m of modules) visit(m, []);
  return order;
}

export interface XenBootEntry {
  /** Paths on the boot partition, e.g. /xen, /vmlinuz, /initrd.img. */
  xen: string;
  xenArgs: string;
  kernel: string;
  kernelArgs: string;
  initrd: string;
}

/**
 * The boot commands: plain commands that both normal mode (UEFI grub.cfg) and the rescue
 * parser (BIOS embedded config) run. GRUB passes each file name as the first word of its
 * command line; Xen skips it.
 */
export function xenGrubConfig(entry: XenBootEntry, opts: { insmod: boolean; loopback?: string }): string {
  // GRUB reads this as a script: every word we write must be one plain word to it.
  const words = (line: string, what: string) =>
    line.split(" ").filter((w) => w !== "").map((w) => assertSafe(grubWord, w, what)).join(" ");
  return [
    "# Written by Brokkr: GRUB starts Xen by multiboot2, with Linux and its initramfs as dom0.",
    "serial --unit=0 --speed=115200",
    "terminal_input serial console",
    "terminal_output serial console",
    ...(opts.insmod ? ["insmod multiboot2"] : []),
    // The boot partition as an image file on the root device (an ISO's ESP image).
    ...(opts.loopback ? [`loopback esp ${opts.loopback}`, "set root=esp"] : []),
    "echo 'Brokkr: loading Xen'",
    `multiboot2 ${words(`${entry.xen} ${entry.xenArgs}`, "Xen's command line")}`,
    `module2 ${words(`${entry.kernel} ${entry.kernelArgs}`, "the kernel's command line")}`,
    `module2 ${words(entry.initrd, "the initrd path")}`,
    "boot",
    "",
  ].join("\n");
}

/**
 * $prefix/grub.cfg in an ISO's ISO 9660 tree. GRUB EFI booted from a CD takes the whole CD as its
 * root, not the El Torito image: it scales MBR partition entries by the CD's 2048-byte sectors,
 * so the hybrid MBR's partition (in 512-byte units) does not match the firmware's. This config
 * opens the ESP image by loopback and goes on with the ESP's own config; from a disk, GRUB finds
 * the ESP partition and reads that config directly.
 */
export function grubIsoConfig(espImage: string): string {
  return [
    "# Written by Brokkr: GRUB booted from the CD continues on the ESP image.",
    `loopback esp ${espImage}`,
    "set root=esp",
    `set prefix=(esp)/${GRUB_EFI_PREFIX}`,
    "source $prefix/grub.cfg",
    "",
  ].join("\n");
}

/** The ESP files of a UEFI GRUB: Debian's grubx64.efi, the config, the modules it lacks. */
export function grubEfiFiles(efiDir: GrubDir, config: string): { path: string; data: Buffer }[] {
  const loader = need(efiDir, "monolithic/grubx64.efi", "x86_64-efi");
  const files = [
    { path: "EFI/BOOT/BOOTX64.EFI", data: loader },
    { path: `${GRUB_EFI_PREFIX}/grub.cfg`, data: Buffer.from(config) },
  ];
  for (const m of moduleClosure(efiDir, ["multiboot2"], "x86_64-efi")) {
    files.push({ path: `${GRUB_EFI_PREFIX}/x86_64-efi/${m}.mod`, data: efiDir.get(`${m}.mod`)! });
  }
  return files;
}

const align4 = (n: number) => (n + 3) & ~3;

/** kernel.img's loadable sections at their link address − 0x9000, and the bss size after them. */
function flattenKernel(elf: Buffer): { image: Buffer; bssSize: number } {
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 1) {
    throw new BrokkrError("boot.loader-missing", "GRUB's i386-pc/kernel.img is not a 32-bit ELF file");
  }
  const shoff = elf.readUInt32LE(0x20);
  const shentsize = elf.readUInt16LE(0x2e);
  const shnum = elf.readUInt16LE(0x30);
  const SHF_ALLOC = 2;
  const SHT_NOBITS = 8;
  let end = 0;
  let bssEnd = 0;
  const sections: { addr: number; offset: number; size: number }[] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    const type = elf.readUInt32LE(o + 4);
    const flags = elf.readUInt32LE(o + 8);
    const addr = elf.readUInt32LE(o + 12);
    const offset = elf.readUInt32LE(o + 16);
    const size = elf.readUInt32LE(o + 20);
    if (!(flags & SHF_ALLOC) || size === 0) continue;
    if (type === SHT_NOBITS) bssEnd = Math.max(bssEnd, addr + size - LINK_ADDR);
    else {
      sections.push({ addr: addr - LINK_ADDR, offset, size });
      end = Math.max(end, addr + size - LINK_ADDR);
    }
  }
  const image = Buffer.alloc(end);
  for (const s of sections) elf.copy(image, s.addr, s.offset, s.offset + s.size);
  return { image, bssSize: Math.max(0, bssEnd - end) };
}

/** core.img for a BIOS boot: GRUB's kernel with `modules`, `config` and `prefix` built in. */
export function buildGrubBiosCore(pcDir: GrubDir, opts: { modules: readonly string[]; config: string; prefix: string }): Buffer {
  const platform = "i386-pc";
  const { image: kernel, bssSize } = flattenKernel(need(pcDir, "kernel.img", platform));
  const objects: { type: number; data: Buffer }[] = moduleClosure(pcDir, opts.modules, platform).map((m) => ({
    type: OBJ_ELF,
    data: pcDir.get(`${m}.mod`)!,
  }));
  objects.push({ type: OBJ_CONFIG, data: Buffer.from(`${opts.config}\0`) });
  objects.push({ type: OBJ_PREFIX, data: Buffer.from(`${opts.prefix}\0`) });
  const total = 12 + objects.reduce((n, o) => n + 8 + align4(o.data.length), 0);
  if (kernel.length + bssSize + LINK_ADDR > 0x68000) {
    throw new BrokkrError("image.too-large", `GRUB's BIOS kernel is too big (${kernel.length + bssSize} bytes)`);
  }
  const plain = Buffer.alloc(kernel.length + total);
  kernel.copy(plain, 0);
  let at = kernel.length;
  plain.writeUInt32LE(MODULE_MAGIC, at);
  plain.writeUInt32LE(12, at + 4);
  plain.writeUInt32LE(total, at + 8);
  at += 12;
  for (const o of objects) {
    plain.writeUInt32LE(o.type, at);
    plain.writeUInt32LE(8 + align4(o.data.length), at + 4);
    o.data.copy(plain, at + 8);
    at += 8 + align4(o.data.length);
  }
  const compressed = lzmaLiteralsOnly(plain);
  const decompressor = Buffer.from(need(pcDir, "lzma_decompress.img", platform));
  if (decompressor.length > LINK_ADDR - 0x8200) throw new BrokkrError("image.too-large", "GRUB's lzma_decompress.img is too big");
  decompressor.writeUInt32LE(compressed.length, 0x08);
  decompressor.writeUInt32LE(plain.length, 0x0c);
  const body = Buffer.concat([decompressor, compressed]);
  // diskboot.img loads the body to 0x8200; it must end below 0x78000 (grub-mkimage's check).
  if (LINK_ADDR + body.length > 0x78000) {
    throw new BrokkrError("image.too-large", `GRUB's BIOS core is ${body.length} bytes, more than fits below 0x78000`, {
      hint: "fewer GRUB modules in the BIOS core",
    });
  }
  const diskboot = Buffer.from(need(pcDir, "diskboot.img", platform));
  if (diskboot.length !== SECTOR) throw new BrokkrError("boot.loader-missing", "GRUB's diskboot.img is not one sector");
  diskboot.writeUInt16LE(Math.ceil(body.length / SECTOR), SECTOR - 12 + 8);
  const core = Buffer.alloc(SECTOR + Math.ceil(body.length / SECTOR) * SECTOR);
  diskboot.copy(core, 0);
  body.copy(core, SECTOR);
  return core;
}

/**
 * Points core.img and the MBR at the LBA where core.img is written; returns the MBR's 440 bytes
 * of boot code and the core to write there.
 */
export function installGrubBios(pcDir: GrubDir, core: Buffer, coreLba: number): { mbrBootCode: Buffer; core: Buffer } {
  const boot = Buffer.from(need(pcDir, "boot.img", "i386-pc"));
  boot.writeBigUInt64LE(BigInt(coreLba), 0x5c);
  boot[0x64] = 0xff;
  boot[0x66] = 0x90;
  boot[0x67] = 0x90;
  const placed = Buffer.from(core);
  placed.writeBigUInt64LE(BigInt(coreLba + 1), SECTOR - 12);
  return { mbrBootCode: boot.subarray(0, 440), core: placed };
}

/**
 * The no-emulation El Torito image: cdboot.img, then `core` (which may already be placed by
 * installGrubBios for a hybrid disk boot). Needs mkisofs's boot info table.
 */
export function grubCdImage(pcDir: GrubDir, core: Buffer): Buffer {
  const cdboot = need(pcDir, "cdboot.img", "i386-pc");
  if (cdboot.length !== 4 * SECTOR) throw new BrokkrError("boot.loader-missing", "GRUB's cdboot.img is not one CD block (2048 bytes)");
  return Buffer.concat([cdboot, core]);
}
