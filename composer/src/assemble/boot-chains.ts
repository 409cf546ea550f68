// What the build can write today. The schema and the cross-field rules say what is valid; this
// file says what is implemented, so a valid spec the pipeline cannot build yet is refused with
// that reason instead of being built into something that cannot boot.
import { BrokkrError } from "../errors.ts";
import type { ImageSpec, Output } from "../spec/index.ts";
import type { Arch, Firmware, Protocol } from "../terms/patterns.ts";
import { efiBootName } from "./image.ts";

export interface BootChain {
  protocol: Protocol;
  firmware: Firmware;
  arches: readonly Arch[];
  /** What the image boots through, for people reading `brokkr matrix`. */
  describe(arch: Arch): string;
}

export const implementedBootChains: readonly BootChain[] = [
  {
    protocol: "uefi",
    firmware: "uefi",
    arches: ["x86_64", "aarch64", "riscv64"],
    describe: (arch) => `UKI as \\EFI\\BOOT\\${efiBootName[arch]}`,
  },
  {
    protocol: "limine",
    firmware: "uefi",
    arches: ["x86_64", "aarch64", "riscv64"],
    describe: (arch) => `Limine (BROKKR_LIMINE_DIR) as \\EFI\\BOOT\\${efiBootName[arch]} → linux, initrd; image.iso: UEFI El Torito`,
  },
  {
    protocol: "limine",
    firmware: "bios",
    arches: ["x86_64"],
    describe: () =>
      "Limine stage 1 in the MBR, stage 2 in a BIOS boot partition, limine-bios.sys on the ESP → linux, initrd; image.iso: El Torito BIOS (limine-bios-cd.bin) + UEFI, hybrid",
  },
  {
    protocol: "multiboot2",
    firmware: "uefi",
    arches: ["x86_64"],
    describe: () => "Debian's GRUB as \\EFI\\BOOT\\BOOTX64.EFI → Xen by multiboot2 → Linux dom0, initrd; image.iso: UEFI El Torito",
  },
  {
    protocol: "multiboot2",
    firmware: "bios",
    arches: ["x86_64"],
    describe: () =>
      "GRUB boot.img in the MBR, a core.img built by Brokkr in a BIOS boot partition → Xen by multiboot2 → Linux dom0, initrd; image.iso: El Torito BIOS (cdboot.img + core.img) + UEFI, hybrid",
  },
];

/** Why a valid cell is not built yet, where there is more to say than "not yet implemented". */
export const pendingReasons: Readonly<Record<string, string>> = {};

export function pendingReason(arch: Arch, protocol: Protocol, firmware: Firmware): string {
  const why = pendingReasons[`${arch}/${protocol}/${firmware}`];
  return why ? `not yet implemented: ${why}` : "not yet implemented";
}

export const implementedOutputs: ReadonlySet<Output> = new Set(["disk", "uki", "pxe", "iso", "qcow2"]);

export function findBootChain(arch: Arch, protocol: Protocol, firmware: Firmware): BootChain | undefined {
  return implementedBootChains.find((c) => c.protocol === protocol && c.firmware === firmware && c.arches.includes(arch));
}

/** Why the build cannot write this (valid) spec yet; empty when it can. */
export function missingFeatures(spec: ImageSpec): string[] {
  const missing: string[] = [];
  const { protocol, firmware } = spec.boot;
  if (!findBootChain(spec.arch, protocol, firmware)) {
    missing.push(`boot.protocol ${protocol} with boot.firmware ${firmware} on ${spec.arch}: ${pendingReason(spec.arch, protocol, firmware)}`);
  }
  for (const output of spec.outputs) {
    if (!implementedOutputs.has(output)) missing.push(`outputs: ${output} is not yet implemented`);
  }
  // The ISO's ESP holds the UKI, Limine (with limine-bios-cd.bin as the BIOS El Torito entry) or
  // GRUB + Xen (with GRUB's cdboot.img + core.img); a UKI has no BIOS loader.
  if (spec.outputs.includes("iso") && protocol === "uefi" && firmware !== "uefi") {
    missing.push(`outputs: iso with boot.protocol ${protocol} and boot.firmware ${firmware} is not yet implemented`);
  }
  // A root partition is booted by the UKI's early stage; other loaders would need their own.
  if (spec.rootfs.layout === "partition") {
    if (protocol !== "uefi") missing.push(`rootfs.layout partition with boot.protocol ${protocol} is not yet implemented`);
    if (spec.outputs.includes("iso")) missing.push("outputs: iso with rootfs.layout partition is not yet implemented");
  }
  return missing;
}

/** Throws `boot.not-implemented` naming everything the build cannot write yet. */
export function assertBuildable(spec: ImageSpec): void {
  const missing = missingFeatures(spec);
  if (missing.length > 0) {
    throw new BrokkrError("boot.not-implemented", `Brokkr cannot build this spec yet: ${missing.join("; ")}`, {
      hint: `\`brokkr matrix\` lists what builds today; uefi + uefi firmware builds on every arch, with outputs ${[...implementedOutputs].join(", ")}`,
      details: { missing },
    });
  }
}
