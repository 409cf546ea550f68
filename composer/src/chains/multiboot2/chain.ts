// UEFI or BIOS → Debian's GRUB → Xen by multiboot2 → Linux as dom0 with its initramfs. GRUB's
// packages are read, never installed; the hypervisor is the catalog kernel (`kernel: xen`).
import type { BootChain } from "../chain.ts";

/** GRUB's packages by firmware. */
export const grubPackages = {
  uefi: ["grub-efi-amd64-bin", "grub-efi-amd64-unsigned"],
  bios: ["grub-pc-bin"],
} as const;

export const multiboot2Chain: BootChain = {
  protocol: "multiboot2",
  folder: "multiboot2",
  support: [{ firmware: "uefi", arches: ["x86_64"] }, { firmware: "bios", arches: ["x86_64"] }],
  layouts: ["initramfs"],
  // No UKI: GRUB loads Xen, the kernel and the initramfs as files.
  outputs: ["disk", "pxe", "iso", "qcow2"],
  isoFirmware: ["uefi", "bios"],
  uki: false,
  loaderPackages: (spec) => [
    ...grubPackages[spec.boot.firmware],
    // An ISO always boots on UEFI too (GRUB EFI is its El Torito UEFI entry).
    ...(spec.boot.firmware === "bios" && spec.outputs.includes("iso") ? grubPackages.uefi : []),
  ],
  // Xen's dom0 needs 2 GiB, and QEMU 7.2's TCG SMAP breaks Xen (docs/lab-notes.md).
  guest: { cpu: "max,-smap", memoryMiB: 2048 },
  describe: (_arch, firmware) =>
    firmware === "bios"
      ? "GRUB boot.img in the MBR, a core.img built by Brokkr in a BIOS boot partition → Xen by multiboot2 → Linux dom0, initrd; image.iso: El Torito BIOS (cdboot.img + core.img) + UEFI, hybrid"
      : "Debian's GRUB as \\EFI\\BOOT\\BOOTX64.EFI → Xen by multiboot2 → Linux dom0, initrd; image.iso: UEFI El Torito",
};
