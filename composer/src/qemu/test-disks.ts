// Tiny bootable disks that print a marker on COM1, so the boot-test runner can be checked
// against real firmware without the rest of Brokkr. The machine code is hand-assembled
// below; QEMU's 16550 UART sends whatever is written to its data port, no setup needed.

import { execFile } from "node:child_process";
import { mkdtemp, open, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

function markerBytes(marker: string): Buffer {
  if (!/^[\x20-\x7e]{1,200}$/.test(marker))
    throw new Error("marker must be 1-200 printable ASCII characters");
  return Buffer.from(`${marker}\r\n\0`, "latin1");
}

/**
 * A 512-byte MBR boot sector for BIOS: prints `marker` on COM1 and halts.
 * The BIOS loads it at 0000:7C00 and jumps to it in 16-bit real mode.
 */
export function mbrMarkerSector(marker: string): Buffer {
  // biome-ignore format: one instruction per line
  const code = [
    0xfa,             // 7C00 cli                 no interrupts: hlt below then stops for good
    0x31, 0xc0,       // 7C01 xor ax, ax
    0x8e, 0xd8,       // 7C03 mov ds, ax          ds:si addresses the message
    0xbe, 0x16, 0x7c, // 7C05 mov si, 0x7C16      the message follows the code
    0xba, 0xf8, 0x03, // 7C08 mov dx, 0x3F8       COM1 data port
    0xac,             // 7C0B next: lodsb         al = [ds:si++]
    0x84, 0xc0,       // 7C0C test al, al
    0x74, 0x03,       // 7C0E jz done             NUL ends the message
    0xee,             // 7C10 out dx, al
    0xeb, 0xf8,       // 7C11 jmp next
    0xf4,             // 7C13 done: hlt
    0xeb, 0xfd,       // 7C14 jmp done
  ];
  const sector = Buffer.alloc(512);
  Buffer.from(code).copy(sector, 0);
  markerBytes(marker).copy(sector, code.length); // = 0x16, the offset loaded into si
  sector[510] = 0x55; // boot signature
  sector[511] = 0xaa;
  return sector;
}

/** Writes a 1 MiB raw disk whose MBR prints `marker` (x86_64 BIOS). */
export async function writeMbrMarkerDisk(path: string, marker: string): Promise<void> {
  await writeFile(path, mbrMarkerSector(marker));
  await truncate(path, 1024 * 1024);
}

/**
 * A minimal x86_64 PE32+ EFI application: writes `marker` to COM1 and returns EFI_SUCCESS.
 * One .text section, no relocations (the code is position independent), no imports.
 */
export function efiMarkerApp(marker: string): Buffer {
  // biome-ignore format: one instruction per line
  const code = [
    0x56,                                     // 00 push rsi           callee-saved in the UEFI ABI
    0x66, 0xba, 0xf8, 0x03,                   // 01 mov dx, 0x3F8      COM1 data port
    0x48, 0x8d, 0x35, 0x0c, 0x00, 0x00, 0x00, // 05 lea rsi, [rip+12]  the message at 0x18
    0xac,                                     // 0C next: lodsb        (UEFI enters with DF clear)
    0x84, 0xc0,                               // 0D test al, al
    0x74, 0x03,                               // 0F jz done
    0xee,                                     // 11 out dx, al
    0xeb, 0xf8,                               // 12 jmp next
    0x5e,                                     // 14 done: pop rsi
    0x31, 0xc0,                               // 15 xor eax, eax       EFI_SUCCESS (clears rax)
    0xc3,                                     // 17 ret
  ];
  const text = Buffer.concat([Buffer.from(code), markerBytes(marker)]);
  const fileAlign = 0x200;
  const sectionAlign = 0x1000;
  const image = Buffer.alloc(fileAlign * 2); // headers, then one section of raw data
  image.write("MZ", 0, "latin1");
  image.writeUInt32LE(0x40, 0x3c); // e_lfanew: the PE header follows the DOS header
  image.write("PE\0\0", 0x40, "latin1");
  // COFF file header
  image.writeUInt16LE(0x8664, 0x44); // Machine: x86_64
  image.writeUInt16LE(1, 0x46); // NumberOfSections
  image.writeUInt16LE(240, 0x54); // SizeOfOptionalHeader (PE32+ with 16 data directories)
  image.writeUInt16LE(0x0022, 0x56); // EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE (relocatable)
  // Optional header (PE32+) at 0x58
  const o = 0x58;
  image.writeUInt16LE(0x20b, o); // Magic: PE32+
  image.writeUInt32LE(fileAlign, o + 4); // SizeOfCode
  image.writeUInt32LE(sectionAlign, o + 16); // AddressOfEntryPoint
  image.writeUInt32LE(sectionAlign, o + 20); // BaseOfCode
  image.writeBigUInt64LE(0x10000000n, o + 24); // ImageBase (firmware may load it anywhere)
  image.writeUInt32LE(sectionAlign, o + 32); // SectionAlignment
  image.writeUInt32LE(fileAlign, o + 36); // FileAlignment
  image.writeUInt32LE(sectionAlign * 2, o + 56); // SizeOfImage
  image.writeUInt32LE(fileAlign, o + 60); // SizeOfHeaders
  image.writeUInt16LE(10, o + 68); // Subsystem: EFI application
  image.writeUInt32LE(16, o + 108); // NumberOfRvaAndSizes (all zero: no imports, no relocs)
  // Section header at 0x58 + 240 = 0x148
  const s = o + 240;
  image.write(".text", s, "latin1");
  image.writeUInt32LE(text.length, s + 8); // VirtualSize
  image.writeUInt32LE(sectionAlign, s + 12); // VirtualAddress
  image.writeUInt32LE(fileAlign, s + 16); // SizeOfRawData
  image.writeUInt32LE(fileAlign, s + 20); // PointerToRawData
  image.writeUInt32LE(0x60000020, s + 36); // CODE | EXECUTE | READ
  text.copy(image, fileAlign);
  return image;
}

/**
 * Writes an 8 MiB GPT disk whose ESP holds \EFI\BOOT\BOOTX64.EFI printing `marker`.
 * Uses sgdisk, mkfs.fat and mtools (test-only tools; Brokkr itself writes GPT and FAT).
 */
export async function writeEfiMarkerDisk(path: string, marker: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), "brokkr-efi-disk-"));
  try {
    const app = join(work, "BOOTX64.EFI");
    const fat = join(work, "esp.img");
    await writeFile(app, efiMarkerApp(marker));
    await run("mkfs.fat", ["-C", fat, "4096"]); // 4 MiB, in KiB blocks
    await run("mmd", ["-i", fat, "::/EFI", "::/EFI/BOOT"]);
    await run("mcopy", ["-i", fat, app, "::/EFI/BOOT/BOOTX64.EFI"]);
    await writeFile(path, "");
    await truncate(path, 8 * 1024 * 1024);
    await run("sgdisk", ["-n", "1:2048:+4M", "-t", "1:ef00", path]);
    const disk = await open(path, "r+");
    try {
      await disk.write(await readFile(fat), 0, undefined, 2048 * 512);
    } finally {
      await disk.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
