// What a chain's assemble.ts gives the pipeline: its checks of the running system, and its
// writers for the ESP, the disk and the ISO. Loaded by the chain's folder name, so the registry
// (plain data) stays one line per chain and safe for the browser.
import type { TarEntry } from "../rootfs/tar.ts";
import type { ErofsImage } from "../formats/erofs.ts";
import type { BlobCache } from "../feeds/debian/cache.ts";
import { BrokkrError } from "../errors.ts";
import type { BootChain, ChainSpec } from "./chain.ts";
import type { IsoImageOptions } from "./iso-image.ts";

/** Everything a chain writes from: the built kernel, initramfs and UKI, and its packages' files. */
export interface ChainImage {
  spec: ChainSpec & { name: string };
  /** The schematic ID: the seed of every label, volume ID and GUID. */
  seed: string;
  mtime: number;
  kernel: Buffer;
  initrd: Buffer;
  cmdline: string;
  /** Empty when the chain has no UKI (chain.uki false). */
  uki: Buffer;
  /** The data files of a named package group read for the chain. */
  entries(group: "loader" | "hypervisor"): TarEntry[];
  /** Globs for the hypervisor's image in its group (multiboot2). */
  hypervisorImagePaths: readonly string[];
  /** The root tree as EROFS, for `rootfs.layout: partition`. */
  rootImage(): ErofsImage;
  /** What prepare() returned. */
  prepared: unknown;
}

export interface ChainAssembler {
  /** Why this machine cannot build the chain now (files it lacks); undefined when it can. */
  unavailable?(): string | undefined;
  /** Runs before any download, so a missing file fails the build at once. */
  prepare?(spec: ChainSpec, cache: BlobCache): Promise<unknown>;
  writeDisk(path: string, image: ChainImage): Promise<void>;
  isoOptions(image: ChainImage): IsoImageOptions;
}

export async function loadAssembler(chain: BootChain): Promise<ChainAssembler> {
  const mod = (await import(`./${chain.folder}/assemble.ts`)) as { assembler?: ChainAssembler };
  if (!mod.assembler) {
    throw new BrokkrError("boot.not-implemented", `boot chain ${chain.protocol} has no assembler in chains/${chain.folder}/assemble.ts`);
  }
  return mod.assembler;
}
