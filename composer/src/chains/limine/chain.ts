// UEFI or BIOS → Limine (from a Limine release: BROKKR_LIMINE_DIR or BROKKR_LIMINE_URL) → Linux
// with its initramfs, from limine.conf on the ESP.
import { efiBootName } from "../../terms/efi-boot-name.ts";
import type { BootChain } from "../chain.ts";

export const limineChain: BootChain = {
  protocol: "limine",
  folder: "limine",
  support: [
    { firmware: "uefi", arches: ["x86_64", "aarch64", "riscv64"] },
    { firmware: "bios", arches: ["x86_64"] },
  ],
  layouts: ["initramfs"],
  outputs: ["disk", "uki", "pxe", "iso", "qcow2"],
  isoFirmware: ["uefi", "bios"],
  uki: true,
  loaderPackages: () => [],
  guest: {},
  describe: (arch, firmware) =>
    firmware === "bios"
      ? "Limine stage 1 in the MBR, stage 2 in a BIOS boot partition, limine-bios.sys on the ESP → linux, initrd; image.iso: El Torito BIOS (limine-bios-cd.bin) + UEFI, hybrid"
      : `Limine (BROKKR_LIMINE_DIR) as \\EFI\\BOOT\\${efiBootName[arch]} → linux, initrd; image.iso: UEFI El Torito`,
};
