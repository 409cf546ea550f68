// The ISO output: El Torito on UEFI from a CD and, being hybrid, from a USB stick; its ESP holds
// the same files as disk.img's (the UKI at the removable-media path).
import { writeFat32 } from "../formats/fat32.ts";
import { type BiosBootImage, efiImageSector, writeIso9660 } from "../formats/iso9660.ts";
import { espFiles, writeFileChunks } from "./image.ts";

export interface IsoImageOptions {
  arch: string;
  uki: Buffer;
  seed: string;
  mtime: number;
  /** The BIOS El Torito entry, for a BIOS loader (Limine, GRUB) once one is built. */
  biosBootImage?: BiosBootImage;
}

export async function writeIsoImage(path: string, opts: IsoImageOptions): Promise<void> {
  const esp = writeFat32(espFiles(opts), {
    label: "BROKKR",
    volumeId: Number.parseInt(opts.seed.slice(0, 8), 16) >>> 0,
    mtime: opts.mtime,
    hiddenSectors: efiImageSector({ biosBootImage: opts.biosBootImage }),
  });
  const { chunks } = writeIso9660({
    volumeId: "BROKKR",
    mtime: opts.mtime,
    efiBootImage: esp,
    biosBootImage: opts.biosBootImage,
    diskId: Number.parseInt(opts.seed.slice(8, 16), 16) >>> 0,
  });
  await writeFileChunks(path, chunks);
}
