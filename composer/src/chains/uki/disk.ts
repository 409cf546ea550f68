// The UKI's ESP: the UKI at the removable-media path (and U-Boot's boot script where U-Boot is
// the firmware), on a GPT disk of its own or as the ISO's El Torito image.
import { bootScriptFiles, removableMediaPath } from "../../boot/removable-media.ts";
import type { FatFile } from "../../formats/fat32.ts";
import type { Arch } from "../../terms/patterns.ts";
import { writeEspDisk } from "../esp-disk.ts";
import type { IsoImageOptions } from "../iso-image.ts";

export function espFiles(opts: { arch: Arch; uki: Buffer; mtime: number }): FatFile[] {
  const efiPath = removableMediaPath(opts.arch);
  return [{ path: efiPath, data: opts.uki }, ...bootScriptFiles(opts.arch, efiPath, opts.mtime)];
}

/** A GPT disk whose only partition is a FAT32 ESP holding the UKI at the removable-media path. */
export async function writeDiskImage(path: string, opts: { arch: Arch; uki: Buffer; seed: string; mtime: number }) {
  await writeEspDisk(path, { files: espFiles(opts), seed: opts.seed, mtime: opts.mtime });
}

/** The ISO's options for a UKI: the ESP as disk.img's, UEFI only. */
export function ukiIsoOptions(opts: { arch: Arch; uki: Buffer; seed: string; mtime: number }): IsoImageOptions {
  return { files: espFiles(opts), seed: opts.seed, mtime: opts.mtime };
}
