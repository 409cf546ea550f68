// Limine as the boot chain: its release files, its config, and its BIOS install.
//
// Limine is in no registry we can reach, so its files come from a directory the user points at
// (BROKKR_LIMINE_DIR, default /usr/share/limine as distributions install it). The config keys
// changed between releases (v8: `kernel_path`; v9 and newer: `path`, with `kernel_path` kept as
// an alias), so the version is read from the binaries themselves and the config written for it.
//
// BIOS install does what `limine bios-install DISK <partition>` does on GPT: the first sector of
// Limine's HDD image goes into the MBR's boot code (bytes 0..439, minus the disk timestamp at
// 218..223 that the tool keeps from the disk), the rest (stage 2) goes into a BIOS boot
// partition, and stage 1 is told where stage 2 lives by a table at 0x1a4: size of half A (u16),
// size of half B (u16), byte offset of A (u64), byte offset of B (u64). In a partition the two
// halves are simply consecutive, as they are on an MBR disk, where the tool puts stage 2 right
// after the MBR (stage2Lba 1: our hybrid ISO). limine-bios.sys itself is read from the ESP.
import { assertSafe, limineValue } from "../terms/output-languages.ts";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BrokkrError } from "../errors.ts";
import { efiBootName } from "../terms/efi-boot-name.ts";
import { getSettings, type Settings, settingsTable } from "../settings/index.ts";

export type LimineArch = "x86_64" | "aarch64" | "riscv64";

export interface LimineVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

export interface LimineFiles {
  dir: string;
  version: LimineVersion;
  /** Limine's UEFI application for the arch, to become \EFI\BOOT\BOOT<ARCH>.EFI. */
  efi: Buffer;
  /**
   * BIOS only: limine-bios.sys (goes on the ESP), the HDD image (stage 1 + stage 2) and, for an
   * ISO, limine-bios-cd.bin (the El Torito no-emulation image: its own stage 2 built in).
   */
  bios?: { sys: Buffer; hdd: Buffer; cd?: Buffer };
}

/** The oldest release whose config syntax we write (v8 introduced `limine.conf`). */
const MIN_MAJOR = 8;

/** Limine's release names its EFI programs as the removable-media path does. */
const efiNames = efiBootName;

/** Where the Limine files are: BROKKR_LIMINE_DIR, else the distribution path. */
export function findLimineDir(settings: Pick<Settings, "limineDir"> = getSettings()): string {
  return settings.limineDir;
}

/**
 * Reads Limine's files for `arch` (+ BIOS files when `firmware` is bios, with the CD image when
 * `iso`) and its version.
 */
export function loadLimine(opts: { arch: LimineArch; firmware: "uefi" | "bios"; dir?: string; iso?: boolean }): LimineFiles {
  const dir = opts.dir ?? findLimineDir();
  const efi = readLimineFile(dir, efiNames[opts.arch]);
  const files: LimineFiles = { dir, efi, version: detectLimineVersion(efi, join(dir, efiNames[opts.arch])) };
  if (opts.firmware === "bios") {
    const sys = readLimineFile(dir, "limine-bios.sys");
    // Binary releases ship the HDD image as a C header (for the `limine` tool); some
    // packagings install it as a plain file.
    const bin = join(dir, "limine-bios-hdd.bin");
    const hdd = existsSync(bin) ? readFileSync(bin) : parseHddHeader(readLimineFile(dir, "limine-bios-hdd.h").toString("latin1"));
    files.bios = { sys, hdd, ...(opts.iso ? { cd: readLimineFile(dir, "limine-bios-cd.bin") } : {}) };
  }
  if (files.version.major < MIN_MAJOR) {
    throw new BrokkrError("boot.limine-missing", `Limine ${files.version.text} in ${dir} is too old: Brokkr writes limine.conf for Limine ${MIN_MAJOR} and newer`, {
      hint: `point BROKKR_LIMINE_DIR at the files of a Limine ${MIN_MAJOR}.x or newer binary release`,
      details: { dir, version: files.version.text },
    });
  }
  return files;
}

function readLimineFile(dir: string, name: string): Buffer {
  const path = join(dir, name);
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new BrokkrError("boot.limine-missing", `boot.protocol limine needs Limine's ${name}, which is not in ${dir}`, {
      hint: `set BROKKR_LIMINE_DIR to a directory holding a Limine binary release (BOOTX64.EFI, BOOTAA64.EFI, BOOTRISCV64.EFI, limine-bios.sys, limine-bios-hdd.h, limine-bios-cd.bin); the default is ${settingsTable.limineDir.shownDefault}`,
      details: { dir, file: name },
      cause,
    });
  }
}

/** The version string Limine prints in its banner, e.g. "Limine 8.2.0". */
export function detectLimineVersion(binary: Buffer, what = "the Limine binary"): LimineVersion {
  const m = /Limine (\d+)\.(\d+)(?:\.(\d+))?/.exec(binary.toString("latin1"));
  if (!m) {
    throw new BrokkrError("boot.limine-missing", `no Limine version string in ${what}`, {
      hint: "BROKKR_LIMINE_DIR must hold the files of a Limine binary release",
    });
  }
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  return { major, minor, patch, text: `${major}.${minor}.${patch}` };
}

/** The bytes of the array in limine-bios-hdd.h (`const uint8_t ...[] = { 0xeb, 0x3c, ... };`). */
export function parseHddHeader(text: string): Buffer {
  const open = text.indexOf("{");
  const close = text.indexOf("}", open);
  const body = open >= 0 && close > open ? text.slice(open + 1, close) : "";
  const bytes = body.match(/0x[0-9a-fA-F]{1,2}/g) ?? [];
  if (bytes.length < 1024) {
    throw new BrokkrError("boot.limine-missing", "limine-bios-hdd.h holds no HDD image", {
      hint: "use the limine-bios-hdd.h of a Limine binary release",
    });
  }
  return Buffer.from(bytes.map((b) => Number.parseInt(b, 16)));
}

export interface LimineEntry {
  title: string;
  kernelPath: string;
  modulePaths: string[];
  cmdline: string;
}

/** limine.conf for `version`: boots the one entry at once, with Limine's own I/O on serial too. */
export function writeLimineConfig(version: LimineVersion, entry: LimineEntry): string {
  // v9 renamed the linux protocol's `kernel_path` to `path` (keeping the old key as an alias).
  const kernelKey = version.major >= 9 ? "path" : "kernel_path";
  // One value per line: a line break in a value would start a key of its own.
  const clean = (s: string) => assertSafe(limineValue, s, "a limine.conf value");
  return [
    "timeout: 0",
    "serial: yes",
    "",
    `/${clean(entry.title).replace(/^\/+/, "")}`,
    "    protocol: linux",
    `    ${kernelKey}: boot():/${entry.kernelPath}`,
    ...entry.modulePaths.map((p) => `    module_path: boot():/${p}`),
    `    cmdline: ${clean(entry.cmdline)}`,
    "",
  ].join("\n");
}

const STAGE2_TABLE = 0x1a4;
const SECTOR = 512;

/**
 * The MBR boot code (440 bytes) and the stage-2 bytes for a BIOS boot partition that starts at
 * `stage2Lba`, from Limine's HDD image.
 */
export function installLimineBios(hdd: Buffer, stage2Lba: number): { mbrBootCode: Buffer; stage2: Buffer } {
  if (hdd.length <= SECTOR) throw new BrokkrError("boot.limine-missing", "Limine's HDD image is too small to hold stage 2");
  const stage2 = hdd.subarray(SECTOR);
  const sectors = Math.ceil(stage2.length / SECTOR);
  const sizeA = Math.ceil(sectors / 2) * SECTOR;
  const sizeB = Math.floor(sectors / 2) * SECTOR;
  const locA = BigInt(stage2Lba) * BigInt(SECTOR);
  const locB = locA + BigInt(sizeA);
  const mbrBootCode = Buffer.from(hdd.subarray(0, 440));
  mbrBootCode.fill(0, 218, 224); // the disk timestamp stays the disk's (ours: none)
  mbrBootCode.writeUInt16LE(sizeA, STAGE2_TABLE);
  mbrBootCode.writeUInt16LE(sizeB, STAGE2_TABLE + 2);
  mbrBootCode.writeBigUInt64LE(locA, STAGE2_TABLE + 4);
  mbrBootCode.writeBigUInt64LE(locB, STAGE2_TABLE + 12);
  return { mbrBootCode, stage2: Buffer.from(stage2) };
}

