// The multiboot2 disk: GPT with a FAT32 ESP holding Xen, the dom0 kernel and its initramfs.
// UEFI: Debian's GRUB at the removable-media path with its config and modules under
// /EFI/debian. BIOS: GRUB's boot.img in the MBR and our core.img in a BIOS boot partition
// after the ESP, its config built in (see boot/grub.ts).
import {
  BIOS_CORE_MODULES,
  buildGrubBiosCore,
  type GrubDir,
  grubEfiFiles,
  installGrubBios,
  type XenBootEntry,
  xenGrubConfig,
} from "../boot/grub.ts";
import { type FatFile, writeFat32 } from "../formats/fat32.ts";
import { type GptPartitionInput, gptTypes, guidFromSeed, layoutGpt, writeGptDisk } from "../formats/gpt.ts";

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

function entry(opts: GrubDiskOptions): XenBootEntry {
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
  const esp = writeFat32(grubEspFiles(opts), {
    label: "BROKKR",
    volumeId: Number.parseInt(opts.seed.slice(0, 8), 16) >>> 0,
    mtime: opts.mtime,
  });
  const espInput: GptPartitionInput = {
    name: "ESP",
    typeGuid: gptTypes.efiSystem,
    guid: guidFromSeed(`${opts.seed}:esp`),
    sizeBytes: esp.length,
  };
  const diskGuid = guidFromSeed(`${opts.seed}:disk`);
  if (opts.firmware === "uefi") {
    await writeGptDisk(path, [{ input: espInput, data: esp }], { diskGuid });
    return;
  }
  const core = grubBiosCore(opts);
  const biosInput: GptPartitionInput = {
    name: "BIOS boot",
    typeGuid: gptTypes.biosBoot,
    guid: guidFromSeed(`${opts.seed}:bios-boot`),
    sizeBytes: core.length,
  };
  const layout = layoutGpt([espInput, biosInput], { diskGuid });
  const installed = installGrubBios(opts.grub, core, layout.partitions[1]!.firstLba);
  await writeGptDisk(
    path,
    [
      { input: espInput, data: esp },
      { input: biosInput, data: installed.core },
    ],
    { diskGuid, mbrBootCode: installed.mbrBootCode },
  );
}
