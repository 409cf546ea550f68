// A boot chain: how firmware reaches Linux (UEFI → UKI, Limine → Linux, GRUB → Xen → dom0).
// Each chain is one folder here, keyed by its boot protocol: `chain.ts` says what it supports
// (plain data, safe in a browser), `assemble.ts` writes its ESP, disk and ISO (Node). The
// registry (registry.ts) lists the chains; the package plan, the pipeline, the matrix, the
// spec check, QEMU's guest settings and the web read them from there.
import type { ErrorCode } from "../errors.ts";
import type { Arch, Firmware, Protocol } from "../terms/patterns.ts";

/** The fields of an image spec a chain looks at. */
export interface ChainSpec {
  arch: Arch;
  boot: { protocol: Protocol; firmware: Firmware };
  outputs: readonly string[];
  rootfs: { layout: string };
}

export interface BootChain {
  protocol: Protocol;
  /** The chain's folder under chains/, holding chain.ts and assemble.ts. */
  folder: string;
  /** Which firmware starts it on which arches. */
  support: readonly { firmware: Firmware; arches: readonly Arch[] }[];
  /** `rootfs.layout` values it boots. */
  layouts: readonly string[];
  /** Outputs it writes; `iso` only with `isoFirmware`. */
  outputs: readonly string[];
  isoFirmware: readonly Firmware[];
  /** Whether the pipeline builds a UKI for it (the UKI is then what it boots). */
  uki: boolean;
  /** Debian packages read for the boot chain only, never installed (GRUB's). */
  loaderPackages(spec: ChainSpec): string[];
  /** How QEMU must be set up to boot it (boot-test, the UI's QEMU command). */
  guest: { cpu?: string; memoryMiB?: number };
  /** What the image boots through, for people reading `brokkr matrix`. */
  describe(arch: Arch, firmware: Firmware): string;
}

/** Whether `chain` boots on `arch` with `firmware`. */
export function supports(chain: BootChain, arch: Arch, firmware: Firmware): boolean {
  return chain.support.some((s) => s.firmware === firmware && s.arches.includes(arch));
}

/** Chains this machine cannot build now, with why (chains/availability.ts fills it in). */
export type Unavailable = Partial<Record<Protocol, { code: ErrorCode; reason: string }>>;
