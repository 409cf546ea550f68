// The ISO output: El Torito on UEFI from a CD and, being hybrid, from a USB stick. Its ESP holds
// the same files as disk.img's: the UKI at the removable-media path, or a loader with its config,
// kernel and initrd (Limine, GRUB + Xen). A BIOS loader adds a BIOS El Torito entry and, for USB
// sticks, its stage 1 in the MBR with stage 2 after it (limine/disk.ts) or pointing into the El
// Torito image (multiboot2/disk.ts). GRUB EFI also needs a config in the ISO 9660 tree (isoFiles).
import { type FatFile, writeFat32 } from "../formats/fat32.ts";
import { type BiosBootImage, efiImageSector, type IsoFile, writeIso9660 } from "../formats/iso9660.ts";
import { writeFileChunks } from "./write-chunks.ts";

export interface IsoBiosBoot {
  /** The BIOS El Torito entry (no emulation), e.g. limine-bios-cd.bin with its boot info table. */
  bootImage: BiosBootImage;
  /**
   * Hybrid BIOS boot from a disk: MBR boot code (≤ 440 bytes) and what it loads from byte 512,
   * if anything (GRUB's boot.img loads the core.img inside the El Torito image instead).
   */
  mbrBootCode: Buffer;
  mbrStage2?: Buffer;
}

export interface IsoImageOptions {
  /** The ESP's files. */
  files: FatFile[];
  /** Files in the ISO 9660 tree besides the boot images (GRUB EFI reads its config there). */
  isoFiles?: IsoFile[];
  seed: string;
  mtime: number;
  bios?: IsoBiosBoot;
}

export async function writeIsoImage(path: string, opts: IsoImageOptions): Promise<void> {
  const biosBootImage = opts.bios?.bootImage;
  const esp = writeFat32(opts.files, {
    label: "BROKKR",
    volumeId: Number.parseInt(opts.seed.slice(0, 8), 16) >>> 0,
    mtime: opts.mtime,
    hiddenSectors: efiImageSector({ biosBootImage, files: opts.isoFiles }),
  });
  const { chunks } = writeIso9660({
    volumeId: "BROKKR",
    mtime: opts.mtime,
    efiBootImage: esp,
    biosBootImage,
    files: opts.isoFiles,
    mbrBootCode: opts.bios?.mbrBootCode,
    mbrStage2: opts.bios?.mbrStage2,
    diskId: Number.parseInt(opts.seed.slice(8, 16), 16) >>> 0,
  });
  await writeFileChunks(path, chunks);
}
