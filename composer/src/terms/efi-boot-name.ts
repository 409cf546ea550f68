// The removable-media file name of each arch's EFI program (UEFI 2.10, 3.5.1.1): the one table,
// plain data so that the boot chains' facts (chains/<name>/chain.ts) stay safe for a browser.
import type { Arch } from "./patterns.ts";

export const efiBootName: Record<Arch, string> = {
  x86_64: "BOOTX64.EFI",
  aarch64: "BOOTAA64.EFI",
  riscv64: "BOOTRISCV64.EFI",
};
