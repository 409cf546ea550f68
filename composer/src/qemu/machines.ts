// Per architecture: the QEMU binary, its Debian package and the machine arguments, and what a
// guest of each boot protocol needs (from the chain registry). Pure data, shared by boot-test
// (firmware.ts) and the QEMU command the web UI shows (browser.ts), so the two cannot drift.
import { chainFor } from "../chains/registry.ts";

export type Arch = "x86_64" | "aarch64" | "riscv64";
export type Firmware = "uefi" | "bios";

export const binaries: Record<Arch, { name: string; pkg: string }> = {
  x86_64: { name: "qemu-system-x86_64", pkg: "qemu-system-x86" },
  aarch64: { name: "qemu-system-aarch64", pkg: "qemu-system-arm" },
  riscv64: { name: "qemu-system-riscv64", pkg: "qemu-system-misc" },
};

/** QEMU 7.2's `-cpu max` boots plain Linux; Xen needs `max,-smap` there (pass `cpu`). */
const machineArgs: Record<Arch, string[]> = {
  x86_64: ["-M", "q35", "-cpu", "max"],
  aarch64: ["-M", "virt", "-cpu", "max,pauth-impdef=on"],
  riscv64: ["-M", "virt"],
};

/**
 * A display and input for screenshots, still headless (`-display none`): QEMU keeps the
 * framebuffer and QMP `screendump` reads it. x86_64 uses virtio-vga (virtio-gpu plus a VGA
 * BIOS, so SeaBIOS and OVMF both draw on it; the kernel's virtio_gpu takes it over). AAVMF
 * (ArmVirtQemu) has a virtio-gpu driver, so aarch64 needs no ramfb. riscv64: EDK2 draws on
 * virtio-gpu; U-Boot's qemu-riscv64_smode build has no video driver, so there the screen stays
 * black until the kernel's virtio_gpu starts.
 */
const displayArgs: Record<Arch, string[]> = {
  x86_64: ["-device", "virtio-vga"],
  aarch64: ["-device", "virtio-gpu-pci"],
  riscv64: ["-device", "virtio-gpu-pci"],
};
const inputArgs = ["-device", "virtio-keyboard-pci", "-device", "virtio-tablet-pci"];

export function displayArgsFor(arch: Arch): string[] {
  return [...displayArgs[arch], ...inputArgs];
}

/** How QEMU must be set up for a boot protocol's chain (chains/<name>/chain.ts `guest`). */
export function guestFor(protocol: string): { cpu?: string; memoryMiB?: number } {
  return { ...chainFor(protocol)?.guest };
}

export function machineArgsFor(arch: Arch, cpu?: string): string[] {
  const args = [...machineArgs[arch]];
  const at = args.indexOf("-cpu");
  if (cpu !== undefined) {
    if (at >= 0) args[at + 1] = cpu;
    else args.push("-cpu", cpu);
  }
  return args;
}
