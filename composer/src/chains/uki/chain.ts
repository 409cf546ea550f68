// UEFI → a Unified Kernel Image (systemd-stub + kernel + initramfs + cmdline) at the
// removable-media path. The only chain that boots a root partition (its early stage).
import { efiBootName } from "../../terms/efi-boot-name.ts";
import type { BootChain } from "../chain.ts";

export const ukiChain: BootChain = {
  protocol: "uefi",
  folder: "uki",
  support: [{ firmware: "uefi", arches: ["x86_64", "aarch64", "riscv64"] }],
  layouts: ["initramfs", "partition"],
  outputs: ["disk", "uki", "pxe", "iso", "qcow2"],
  isoFirmware: ["uefi"],
  uki: true,
  loaderPackages: () => [],
  guest: {},
  describe: (arch) => `UKI as \\EFI\\BOOT\\${efiBootName[arch]}`,
};
