// The Limine disk: a FAT32 ESP with Limine's EFI binary at the removable-media path,
// limine.conf, the kernel and the initramfs at its root; for BIOS also limine-bios.sys there,
// stage 1 in the MBR and stage 2 in a BIOS boot partition after the ESP.
//
// The Limine ISO carries the same ESP as its UEFI El Torito image and as the hybrid MBR's 0xEF
// partition. For BIOS it adds what `xorriso -b limine-bios-cd.bin -no-emul-boot
// -boot-load-size 4 -boot-info-table` and then `limine bios-install image.iso` would: a
// no-emulation El Torito entry for limine-bios-cd.bin (its stage 2 is built in; it reads the
// rest of itself through the boot info table), and for a USB stick stage 1 in the MBR with
// stage 2 right after it in the system area, where the tool puts it on an MBR disk. Booted
// either way, Limine's stage 2 looks through the partitions of the boot device, finds
// limine-bios.sys and limine.conf on the ESP (the MBR's partition, read in 512-byte units even
// on a CD), and boot():/ is that partition: the kernel and initrd are stored once.
import { type LimineArch, type LimineFiles, installLimineBios, writeLimineConfig } from "../../boot/limine.ts";
import { bootScriptFiles, removableMediaPath } from "../../boot/removable-media.ts";
import type { FatFile } from "../../formats/fat32.ts";
import { BrokkrError } from "../../errors.ts";
import type { IsoImageOptions } from "../iso-image.ts";
import { writeEspDisk } from "../esp-disk.ts";

export interface LimineDiskOptions {
  arch: LimineArch;
  firmware: "uefi" | "bios";
  limine: LimineFiles;
  kernel: Buffer;
  initrd: Buffer;
  cmdline: string;
  title: string;
  seed: string;
  mtime: number;
}

/** The ESP's files for a Limine boot. */
export function limineEspFiles(opts: LimineDiskOptions): FatFile[] {
  const efiPath = removableMediaPath(opts.arch);
  const conf = writeLimineConfig(opts.limine.version, {
    title: opts.title,
    kernelPath: "vmlinuz",
    modulePaths: ["initrd.img"],
    cmdline: opts.cmdline,
  });
  const files: FatFile[] = [
    { path: efiPath, data: opts.limine.efi },
    { path: "limine.conf", data: Buffer.from(conf) },
    { path: "vmlinuz", data: opts.kernel },
    { path: "initrd.img", data: opts.initrd },
  ];
  if (opts.firmware === "bios" && opts.limine.bios) files.push({ path: "limine-bios.sys", data: opts.limine.bios.sys });
  files.push(...bootScriptFiles(opts.arch, efiPath, opts.mtime));
  return files;
}

export async function writeLimineDiskImage(path: string, opts: LimineDiskOptions): Promise<void> {
  const bios = opts.limine.bios;
  if (opts.firmware === "bios" && !bios) {
    throw new BrokkrError("boot.limine-missing", "the Limine BIOS files were not loaded", {
      hint: "load Limine with { firmware: \"bios\" }; BROKKR_LIMINE_DIR must hold limine-bios.sys and limine-bios-hdd.h",
    });
  }
  await writeEspDisk(path, {
    files: limineEspFiles(opts),
    seed: opts.seed,
    mtime: opts.mtime,
    bios:
      opts.firmware === "bios" && bios
        ? {
            size: bios.hdd.length - 512,
            place: (lba) => {
              const { mbrBootCode, stage2 } = installLimineBios(bios.hdd, lba);
              return { mbrBootCode, data: stage2 };
            },
          }
        : undefined,
  });
}

/** The ISO's options for Limine: its ESP, plus the BIOS boot pieces when firmware is bios. */
export function limineIsoOptions(opts: LimineDiskOptions): IsoImageOptions {
  const iso: IsoImageOptions = { files: limineEspFiles(opts), seed: opts.seed, mtime: opts.mtime };
  if (opts.firmware !== "bios") return iso;
  const bios = opts.limine.bios;
  if (!bios?.cd) {
    throw new BrokkrError("boot.limine-missing", "a BIOS ISO needs Limine's limine-bios-cd.bin, which was not loaded", {
      hint: "load Limine with { iso: true }; BROKKR_LIMINE_DIR must hold limine-bios-cd.bin",
    });
  }
  // Stage 2 at sector 1, consecutive: what `limine bios-install` does on an MBR disk.
  const { mbrBootCode, stage2 } = installLimineBios(bios.hdd, 1);
  return {
    ...iso,
    bios: {
      bootImage: { name: "LIMINECD.BIN", data: bios.cd, loadSectors: 4, bootInfoTable: true },
      mbrBootCode,
      mbrStage2: stage2,
    },
  };
}
