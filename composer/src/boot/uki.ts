// Unified Kernel Image: systemd-stub with the kernel, initrd, command line and os-release appended
// as PE sections (the UAPI UKI spec; systemd-stub is the reference reader). Layout follows ukify:
// each section after the previous at SectionAlignment, data sections read-only initialized data,
// `.linux` last and marked as code, with its in-memory size widened to the kernel's SizeOfImage.

import { BrokkrError } from "../errors.ts";
import {
  appendSections,
  type NewSection,
  parsePe,
  SCN_CNT_CODE,
  SCN_CNT_INITIALIZED_DATA,
  SCN_MEM_READ,
  SUBSYSTEM_EFI_APPLICATION,
} from "./pe.ts";

export interface UkiInput {
  /** systemd-stub, e.g. linuxx64.efi.stub from Debian's systemd-boot-efi. */
  stub: Buffer;
  /** os-release text for the `.osrel` section (boot menus show PRETTY_NAME from it). */
  osRelease: string;
  /** Kernel command line, written as is without a trailing NUL (as ukify does). */
  cmdline: string;
  /** The kernel: an EFI-stub image (x86 bzImage, arm64 Image, riscv64 vmlinux). */
  linux: Buffer;
  /** The initramfs (cpio, possibly compressed). Appended by reference, never copied. */
  initrd: Buffer;
  /** A BMP image shown by the stub before the kernel starts. */
  splash?: Buffer;
  /** `uname -r` of the kernel, for boot menus. */
  uname?: string;
}

const DATA = SCN_CNT_INITIALIZED_DATA | SCN_MEM_READ;
// ukify marks `.linux` as code: old kernels booted through the EFI handover protocol run in place.
const CODE = SCN_CNT_CODE | SCN_MEM_READ;

function text(value: string | undefined): Buffer | undefined {
  return value ? Buffer.from(value, "utf8") : undefined;
}

/**
 * Builds a UKI and returns it as chunks to write in order; `linux` and `initrd` appear in the
 * result as the very Buffers passed in. Empty optional inputs get no section, as with ukify.
 */
export function buildUki(input: UkiInput): Buffer[] {
  const stub = parsePe(input.stub, "UKI stub");
  if (stub.subsystem !== SUBSYSTEM_EFI_APPLICATION) {
    throw new BrokkrError(
      "boot.pe-invalid",
      `UKI stub: subsystem ${stub.subsystem} is not an EFI application`,
    );
  }
  if (stub.sections.some((s) => s.name === ".linux")) {
    throw new BrokkrError(
      "boot.pe-invalid",
      "UKI stub already contains a .linux section (is it a UKI already?)",
      {
        hint: "pass the plain systemd-stub (linux<arch>.efi.stub), not a built UKI",
      },
    );
  }
  const kernel = parsePe(input.linux, "kernel image");
  if (kernel.machine !== stub.machine) {
    throw new BrokkrError(
      "boot.pe-invalid",
      `kernel machine 0x${kernel.machine.toString(16)} does not match the stub's 0x${stub.machine.toString(16)}`,
      { hint: "use the systemd-stub built for the kernel's architecture" },
    );
  }

  const optional: [string, Buffer | undefined][] = [
    [".osrel", text(input.osRelease)],
    [".cmdline", text(input.cmdline)],
    [".uname", text(input.uname)],
    [".splash", input.splash],
    [".initrd", input.initrd],
  ];
  const sections: NewSection[] = [];
  for (const [name, data] of optional) {
    if (data && data.length > 0) sections.push({ name, data, characteristics: DATA });
  }
  // Last, so that the kernel's extra in-memory size (for in-place decompression) follows nothing.
  sections.push({
    name: ".linux",
    data: input.linux,
    characteristics: CODE,
    virtualSize: kernel.sizeOfImage,
  });
  return appendSections(input.stub, sections, "UKI stub").chunks;
}

/** Total bytes of a UKI given as chunks (e.g. to size the file before writing it into a FAT). */
export function ukiSize(chunks: readonly Buffer[]): number {
  let size = 0;
  for (const c of chunks) size += c.length;
  return size;
}
