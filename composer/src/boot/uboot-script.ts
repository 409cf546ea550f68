// A U-Boot boot script (`boot.scr` at the ESP root) that starts the UKI through U-Boot's own
// UEFI, for images whose UKI is too big for U-Boot's removable-media path.
//
// Why: U-Boot's distro boot loads \EFI\BOOT\BOOT<ARCH>.EFI at ${kernel_addr_r}, and its UEFI
// boot manager (which runs just before) has already copied the device tree to RAM start +
// 127 MiB. On QEMU's riscv64 virt machine kernel_addr_r is RAM start + 64 MiB, so a UKI over
// ~63 MiB fails with "Reading file would overwrite reserved memory" (seen with U-Boot 2023.01;
// Debian's riscv64 kernel alone is 37 MB). Distro boot runs boot scripts before the EFI path,
// so this script loads the same UKI at ${ramdisk_addr_r}, which has room, and runs `bootefi`.
// Other firmware (EDK2) ignores the file. If the load fails, distro boot goes on as before.
//
// Format: a legacy U-Boot image (64-byte big-endian header, as `mkimage -T script` writes)
// whose data is a one-entry length table (length, 0) followed by the script text.
import { crc32 } from "node:zlib";
import { BrokkrError } from "../errors.ts";

const MAGIC = 0x27051956;
const OS_LINUX = 5;
const TYPE_SCRIPT = 6;
const COMP_NONE = 0;
/** U-Boot's IH_ARCH_* numbers (include/image.h). */
const ubootArch: Record<string, number> = { aarch64: 22, riscv64: 26 };

/** The script text: load the UKI somewhere roomy and start it with U-Boot's UEFI. */
export function ukiBootScript(efiPath: string): string {
  const path = efiPath.toLowerCase(); // U-Boot's FAT lookup ignores case
  return [
    "# Brokkr: run the UKI with U-Boot's UEFI from an address where it fits.",
    `load \${devtype} \${devnum}:\${distro_bootpart} \${ramdisk_addr_r} ${path} && bootefi \${ramdisk_addr_r}`,
    "",
  ].join("\n");
}

/** Wraps script text as a legacy U-Boot script image; `mtime` goes into the header. */
export function writeUbootScript(script: string, opts: { arch: string; mtime: number; name?: string }): Buffer {
  const arch = ubootArch[opts.arch];
  if (arch === undefined) throw new BrokkrError("internal", `no U-Boot architecture number for ${opts.arch}`);
  const text = Buffer.from(script, "utf8");
  const data = Buffer.alloc(8 + text.length);
  data.writeUInt32BE(text.length, 0); // length table: one image, then a 0 terminator
  text.copy(data, 8);

  const header = Buffer.alloc(64);
  header.writeUInt32BE(MAGIC, 0);
  header.writeUInt32BE(opts.mtime >>> 0, 8);
  header.writeUInt32BE(data.length, 12);
  header.writeUInt32BE(crc32(data), 24);
  header[28] = OS_LINUX;
  header[29] = arch;
  header[30] = TYPE_SCRIPT;
  header[31] = COMP_NONE;
  header.write((opts.name ?? "brokkr boot script").slice(0, 31), 32, "latin1");
  header.writeUInt32BE(crc32(header), 4); // over the header with its own CRC field zero
  return Buffer.concat([header, data]);
}
