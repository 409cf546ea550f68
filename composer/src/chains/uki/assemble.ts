// Writes the UKI chain's disk (with an EROFS root partition for `rootfs.layout: partition`)
// and ISO.
import type { ChainAssembler } from "../assemble.ts";
import { ukiIsoOptions, writeDiskImage } from "./disk.ts";
import { writePartitionRootDisk } from "./partition-disk.ts";

export const assembler: ChainAssembler = {
  async writeDisk(path, image) {
    const { spec, uki, seed, mtime } = image;
    if (spec.rootfs.layout === "partition") {
      await writePartitionRootDisk(path, { arch: spec.arch, uki, root: image.rootImage(), seed, mtime });
    } else {
      await writeDiskImage(path, { arch: spec.arch, uki, seed, mtime });
    }
  },
  isoOptions: (image) => ukiIsoOptions({ arch: image.spec.arch, uki: image.uki, seed: image.seed, mtime: image.mtime }),
};
