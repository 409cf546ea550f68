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
];

export const implementedOutputs: ReadonlySet<Output> = new Set(["disk", "uki", "pxe"]);

export function findBootChain(arch: Arch, protocol: Protocol, firmware: Firmware): BootChain | undefined {
  return implementedBootChains.find((c) => c.protocol === protocol && c.firmware === firmware && c.arches.includes(arch));
}

/** Why the build cannot write this (valid) spec yet; empty when it can. */
export function missingFeatures(spec: ImageSpec): string[] {
  const missing: string[] = [];
  const { protocol, firmware } = spec.boot;
  if (!findBootChain(spec.arch, protocol, firmware)) {
    missing.push(`boot.protocol ${protocol} with boot.firmware ${firmware} on ${spec.arch}: not yet implemented`);
  }
  for (const output of spec.outputs) {
    if (!implementedOutputs.has(output)) missing.push(`outputs: ${output} is not yet implemented`);
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
