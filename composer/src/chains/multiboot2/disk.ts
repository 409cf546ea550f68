// The multiboot2 disk: GPT with a FAT32 ESP holding Xen, the dom0 kernel and its initramfs.
// UEFI: Debian's GRUB at the removable-media path with its config and modules under
// /EFI/debian. BIOS: GRUB's boot.img in the MBR and our core.img in a BIOS boot partition
// after the ESP, its config built in (see boot/grub.ts).
//
// The multiboot2 ISO carries the UEFI ESP (always: GRUB EFI is its El Torito UEFI entry) as its
// El Torito image and the hybrid MBR's 0xEF partition, so Xen, the kernel and the initrd are
// stored once, on the ESP. GRUB cannot use that MBR partition on a CD (it reads partition
// entries in the CD's 2048-byte sectors), so from a CD both GRUBs open the ESP image file by
// loopback: GRUB EFI, whose root is then the CD, through /EFI/DEBIAN/GRUB.CFG in the ISO 9660
// tree (boot/grub.ts grubIsoConfig); the BIOS core, whose root is the boot drive's ISO 9660
// tree on a CD and on a disk alike, in its built-in config. From a disk GRUB EFI starts on the
// ESP partition and reads the ESP's config as on disk.img. For BIOS firmware the ISO adds what
// grub-mkrescue would: cdboot.img + core.img as a no-emulation El Torito entry with a boot info
// table, and boot.img in the MBR pointing at that same core.img for a disk boot.
import {
  BIOS_CORE_MODULES,
  BIOS_ISO_CORE_MODULES,
  buildGrubBiosCore,
  type GrubDir,
  grubCdImage,
  grubEfiFiles,
  grubIsoConfig,
  installGrubBios,
  type XenBootEntry,
  xenGrubConfig,
} from "../../boot/grub.ts";
import { BrokkrError } from "../../errors.ts";
import type { FatFile } from "../../formats/fat32.ts";
import { biosImageBlock, ISO_BLOCK, type IsoFile } from "../../formats/iso9660.ts";
import type { IsoImageOptions } from "../iso-image.ts";
import { writeEspDisk } from "../esp-disk.ts";

export interface GrubDiskOptions {
  firmware: "uefi" | "bios";
  /** usr/lib/grub/x86_64-efi (UEFI) or usr/lib/grub/i386-pc (BIOS) of Debian's GRUB packages. */
  grub: GrubDir;
  /** The hypervisor, uncompressed (GRUB then needs no gzio). */
  xen: Buffer;
  xenArgs: string;
  kernel: Buffer;
  kernelArgs: string;
  initrd: Buffer;
  seed: string;
  mtime: number;
}

const entryPaths = { xen: "/xen", kernel: "/vmlinuz", initrd: "/initrd.img" };

function entry(opts: Pick<GrubDiskOptions, "xenArgs" | "kernelArgs">): XenBootEntry {
  return { ...entryPaths, xenArgs: opts.xenArgs, kernelArgs: opts.kernelArgs };
}

/** The ESP's files for a GRUB + Xen boot. */
export function grubEspFiles(opts: GrubDiskOptions): FatFile[] {
  const files: FatFile[] = [
    { path: "xen", data: opts.xen },
    { path: "vmlinuz", data: opts.kernel },
    { path: "initrd.img", data: opts.initrd },
  ];
  if (opts.firmware === "uefi") files.unshift(...grubEfiFiles(opts.grub, xenGrubConfig(entry(opts), { insmod: true })));
  return files;
}

/** The BIOS core.img: its config boots Xen from the first partition of the boot drive. */
export function grubBiosCore(opts: GrubDiskOptions): Buffer {
  return buildGrubBiosCore(opts.grub, {
    modules: BIOS_CORE_MODULES,
    config: xenGrubConfig(entry(opts), { insmod: false }),
    // No drive: GRUB fills in the one the BIOS booted from, and takes root from the prefix.
    prefix: "(,gpt1)/EFI/debian",
  });
}

export async function writeGrubDiskImage(path: string, opts: GrubDiskOptions): Promise<void> {
  const core = opts.firmware === "bios" ? grubBiosCore(opts) : undefined;
  await writeEspDisk(path, {
    files: grubEspFiles(opts),
    seed: opts.seed,
    mtime: opts.mtime,
    bios: core && {
      size: core.length,
      place: (lba) => {
        const installed = installGrubBios(opts.grub, core, lba);
        return { mbrBootCode: installed.mbrBootCode, data: installed.core };
      },
    },
  });
}

/** The ESP image's name in the ISO 9660 root (iso9660.ts's default). */
const ESP_IMAGE = "EFIBOOT.IMG";

export interface GrubIsoOptions extends Omit<GrubDiskOptions, "grub"> {
  /** usr/lib/grub/x86_64-efi: the ISO always boots on UEFI. */
  efi: GrubDir;
  /** usr/lib/grub/i386-pc, for BIOS firmware. */
  pc?: GrubDir;
}

/** The ISO's options for GRUB + Xen: the UEFI ESP, plus GRUB's El Torito BIOS image for bios. */
export function grubIsoOptions(opts: GrubIsoOptions): IsoImageOptions {
  const files = grubEspFiles({ ...opts, firmware: "uefi", grub: opts.efi });
  const isoFiles: IsoFile[] = [{ name: "EFI/DEBIAN/GRUB.CFG", data: Buffer.from(grubIsoConfig(`/${ESP_IMAGE}`)) }];
  const iso: IsoImageOptions = { files, isoFiles, seed: opts.seed, mtime: opts.mtime };
  if (opts.firmware !== "bios") return iso;
  if (!opts.pc) throw new BrokkrError("boot.loader-missing", "a BIOS ISO needs GRUB's i386-pc files (grub-pc-bin)");
  const core = buildGrubBiosCore(opts.pc, {
    modules: BIOS_ISO_CORE_MODULES,
    config: xenGrubConfig(entry(opts), { insmod: false, loopback: `/${ESP_IMAGE}` }),
    // No device: the root is the drive the BIOS booted, whole (a CD, or the ISO on a disk).
    prefix: "/EFI/debian",
  });
  // The core follows cdboot.img's CD block in the El Torito image; boot.img counts 512-byte LBAs.
  const coreLba = (biosImageBlock({ files: isoFiles }) + 1) * (ISO_BLOCK / 512);
  const installed = installGrubBios(opts.pc, core, coreLba);
  return {
    ...iso,
    bios: {
      bootImage: { name: "GRUBCD.IMG", data: grubCdImage(opts.pc, installed.core), loadSectors: 4, bootInfoTable: true },
      mbrBootCode: installed.mbrBootCode,
    },
  };
}
