// What the build can write today. The schema and the cross-field rules say what is valid; this
// file says what is implemented, so a valid spec the pipeline cannot build yet is refused with
// that reason instead of being built into something that cannot boot.
import { BrokkrError } from "../errors.ts";
import type { ImageSpec, Output } from "../spec/index.ts";
import type { Arch, Firmware, Protocol } from "../spec/patterns.ts";
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
    arches: ["x86_64", "aarch64"],
    describe: (arch) => `Limine (BROKKR_LIMINE_DIR) as \\EFI\\BOOT\\${efiBootName[arch]} → linux, initrd`,
  },
  {
    protocol: "limine",
    firmware: "bios",
    arches: ["x86_64"],
    describe: () => "Limine stage 1 in the MBR, stage 2 in a BIOS boot partition, limine-bios.sys on the ESP → linux, initrd",
  },
];

/** Why a valid cell is not built yet, where there is more to say than "not yet implemented". */
export const pendingReasons: Readonly<Record<string, string>> = {
  // Measured with Limine 8.2.0 on QEMU 7.2 + U-Boot 2023.01: Linux and systemd start, then the
  // guest stalls once idle and never reaches login. EDK2 for riscv64 needs QEMU 8 or newer.
  "riscv64/limine/uefi": "needs EDK2 (QEMU ≥ 8)",
};

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
  // The ISO's ESP holds the UKI; an ISO for another protocol needs that loader's El Torito entries.
  if (spec.outputs.includes("iso") && (protocol !== "uefi" || firmware !== "uefi")) {
    missing.push(`outputs: iso with boot.protocol ${protocol} and boot.firmware ${firmware} is not yet implemented`);
  }
  if (spec.rootfs.layout !== "initramfs") missing.push(`rootfs.layout ${spec.rootfs.layout} is not yet implemented`);
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
