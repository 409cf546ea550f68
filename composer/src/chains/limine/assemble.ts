// Writes the Limine chain's disk and ISO from a Limine release on this machine.
import { existsSync } from "node:fs";
import { type LimineFiles, loadLimine } from "../../boot/limine.ts";
import { prepareLimineDir } from "../../boot/limine-fetch.ts";
import { getSettings } from "../../settings/index.ts";
import type { ChainAssembler, ChainImage } from "../assemble.ts";
import { type LimineDiskOptions, limineIsoOptions, writeLimineDiskImage } from "./disk.ts";

function diskOptions(image: ChainImage): LimineDiskOptions {
  return {
    arch: image.spec.arch,
    firmware: image.spec.boot.firmware,
    limine: image.prepared as LimineFiles,
    kernel: image.kernel,
    initrd: image.initrd,
    cmdline: image.cmdline,
    title: image.spec.name,
    seed: image.seed,
    mtime: image.mtime,
  };
}

export const assembler: ChainAssembler = {
  unavailable() {
    const s = getSettings();
    if (s.limineUrl) return undefined;
    if (existsSync(s.limineDir)) return undefined;
    return `no Limine files on this server: ${s.limineDir} (BROKKR_LIMINE_DIR) does not exist, and BROKKR_LIMINE_URL is not set`;
  },
  // Limine's files are read before any download, so a missing Limine fails at once.
  prepare: async (spec, cache) =>
    loadLimine({ arch: spec.arch, firmware: spec.boot.firmware, dir: await prepareLimineDir(cache), iso: spec.outputs.includes("iso") }),
  writeDisk: (path, image) => writeLimineDiskImage(path, diskOptions(image)),
  isoOptions: (image) => limineIsoOptions(diskOptions(image)),
};
