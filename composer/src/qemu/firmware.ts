// Per architecture and firmware: which QEMU binary, which machine, which firmware files.
// Every missing piece is reported as "qemu.missing" with the Debian package that provides it,
// so a CI log says what to install instead of showing a QEMU usage error.

import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { type Arch, binaries, type Firmware, guestFor, machineArgsFor } from "./machines.ts";
import { BrokkrError } from "../errors.ts";

export { type Arch, type Firmware, guestFor, machineArgsFor };

/** Where to look; the defaults are where Debian installs things. Tests point these elsewhere. */
export interface QemuSearch {
  /** Directories searched for the QEMU binary (default: $PATH). */
  path?: readonly string[];
  /** Data root holding OVMF/, AAVMF/, qemu-efi-riscv64/ (default /usr/share). */
  shareDir?: string;
  /** u-boot-qemu's build directory (default /usr/lib/u-boot). */
  uBootDir?: string;
}

export interface QemuVersion {
  major: number;
  minor: number;
  micro: number;
  /** First line of `-version`, for logs. */
  text: string;
}

export type FirmwareFiles =
  /** x86_64 BIOS: SeaBIOS is built into QEMU. */
  | { kind: "builtin" }
  /** UEFI: read-only code + a VARS template that must be copied before use. */
  | { kind: "pflash"; code: string; vars: string }
  /** riscv64 U-Boot, loaded by QEMU's bundled OpenSBI as its payload. */
  | { kind: "kernel"; kernel: string };

/** Everything needed to start one VM, minus disk, memory and console. */
export interface QemuMachine {
  arch: Arch;
  firmware: Firmware;
  binary: string;
  version: QemuVersion;
  files: FirmwareFiles;
  /** Machine, CPU and firmware arguments. */
  args: string[];
  /** Holds the private VARS copy; remove it once QEMU has exited. */
  tempDir: string | undefined;
}

/** Returns the absolute path of the QEMU system emulator for `arch`. */
export function findQemuBinary(arch: Arch, search: QemuSearch = {}): string {
  const { name, pkg } = binaries[arch];
  const dirs = search.path ?? (process.env["PATH"] ?? "").split(delimiter).filter((d) => d !== "");
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  throw new BrokkrError("qemu.missing", `${name} not found in ${dirs.join(delimiter) || "(empty PATH)"}`, {
    hint: `install the Debian package ${pkg}: apt-get install --no-install-recommends ${pkg}`,
    details: { arch, binary: name, package: pkg },
  });
}

/** Runs `<binary> -version` and parses "QEMU emulator version X.Y.Z". */
export async function detectQemuVersion(binary: string): Promise<QemuVersion> {
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(binary, ["-version"], { timeout: 10_000 }));
  } catch (cause) {
    throw new BrokkrError("qemu.failed", `${binary} -version failed`, { cause, details: { binary } });
  }
  return parseQemuVersion(stdout);
}

export function parseQemuVersion(stdout: string): QemuVersion {
  const text = stdout.split("\n")[0]?.trim() ?? "";
  const m = /version (\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) throw new BrokkrError("qemu.failed", `cannot read the QEMU version from "${text}"`);
  return { major: Number(m[1]), minor: Number(m[2]), micro: Number(m[3] ?? 0), text };
}

/** Finds the firmware files for `arch` + `firmware` on a QEMU of `version`. */
export function findFirmware(
  arch: Arch,
  firmware: Firmware,
  version: QemuVersion,
  search: QemuSearch = {},
): FirmwareFiles {
  const share = search.shareDir ?? "/usr/share";
  if (firmware === "bios") {
    if (arch === "x86_64") return { kind: "builtin" };
    throw new BrokkrError("qemu.unsupported", `BIOS boot is defined only for x86_64, not ${arch}`, {
      hint: "use firmware uefi on aarch64 and riscv64",
      details: { arch, firmware },
    });
  }
  if (arch === "x86_64")
    return requirePflash(arch, join(share, "OVMF"), "OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd", "ovmf");
  if (arch === "aarch64") {
    return requirePflash(arch, join(share, "AAVMF"), "AAVMF_CODE.fd", "AAVMF_VARS.fd", "qemu-efi-aarch64");
  }
  return findRiscvFirmware(version, share, search.uBootDir ?? "/usr/lib/u-boot");
}

// EDK2 for riscv64 needs QEMU ≥ 8 (the virt machine's pflash layout changed); older QEMU
// boots U-Boot as OpenSBI's payload, and U-Boot's own UEFI runs the UKI.
function findRiscvFirmware(version: QemuVersion, share: string, uBootDir: string): FirmwareFiles {
  const edk2 = join(share, "qemu-efi-riscv64");
  const code = join(edk2, "RISCV_VIRT_CODE.fd");
  const vars = join(edk2, "RISCV_VIRT_VARS.fd");
  const hasEdk2 = isReadable(code) && isReadable(vars);
  if (hasEdk2 && version.major >= 8) return { kind: "pflash", code, vars };
  const uBoot = join(uBootDir, "qemu-riscv64_smode", "u-boot.bin");
  if (isReadable(uBoot)) return { kind: "kernel", kernel: uBoot };
  const why = hasEdk2
    ? `EDK2 (${code}) needs QEMU 8 or newer, this is ${version.major}.${version.minor}, and U-Boot (${uBoot}) is missing`
    : `neither EDK2 (${code}) nor U-Boot (${uBoot}) is installed`;
  throw new BrokkrError("qemu.missing", `no riscv64 UEFI firmware: ${why}`, {
    hint: hasEdk2
      ? "install the Debian package u-boot-qemu, or a QEMU 8+ (qemu-system-misc from trixie)"
      : "install the Debian package u-boot-qemu (or qemu-efi-riscv64 with QEMU 8+)",
    details: { arch: "riscv64", code, uBoot, qemu: version.text },
  });
}

function requirePflash(
  arch: Arch,
  dir: string,
  codeName: string,
  varsName: string,
  pkg: string,
): FirmwareFiles {
  const code = join(dir, codeName);
  const vars = join(dir, varsName);
  const missing = [code, vars].filter((f) => !isReadable(f));
  if (missing.length > 0) {
    throw new BrokkrError("qemu.missing", `${arch} UEFI firmware missing: ${missing.join(", ")}`, {
      hint: `install the Debian package ${pkg}: apt-get install --no-install-recommends ${pkg}`,
      details: { arch, missing, package: pkg },
    });
  }
  return { kind: "pflash", code, vars };
}

/**
 * Resolves binary, version and firmware, and copies the VARS template into a fresh temp dir
 * (firmware writes boot entries into it; the shared template must stay pristine).
 */
export async function prepareMachine(
  arch: Arch,
  firmware: Firmware,
  opts: { search?: QemuSearch; cpu?: string } = {},
): Promise<QemuMachine> {
  const binary = findQemuBinary(arch, opts.search);
  const version = await detectQemuVersion(binary);
  const files = findFirmware(arch, firmware, version, opts.search);
  const args = machineArgsFor(arch, opts.cpu);
  let tempDir: string | undefined;
  if (files.kind === "pflash") {
    tempDir = await mkdtemp(join(tmpdir(), "brokkr-qemu-"));
    const vars = join(tempDir, "vars.fd");
    try {
      await copyFile(files.vars, vars);
    } catch (cause) {
      await rm(tempDir, { recursive: true, force: true });
      throw new BrokkrError("io", `cannot copy ${files.vars} to ${vars}`, { cause });
    }
    args.push(
      "-drive",
      `if=pflash,format=raw,unit=0,readonly=on,file=${escapeOptionValue(files.code)}`,
      "-drive",
      `if=pflash,format=raw,unit=1,file=${escapeOptionValue(vars)}`,
    );
  } else if (files.kind === "kernel") {
    args.push("-kernel", files.kernel);
  }
  return { arch, firmware, binary, version, files, args, tempDir };
}

/** QEMU option values end at a comma; a literal comma is written twice. */
export function escapeOptionValue(value: string): string {
  return value.replaceAll(",", ",,");
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isReadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
