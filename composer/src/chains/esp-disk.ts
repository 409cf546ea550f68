// The GPT disk every boot chain writes: a FAT32 ESP first, then any other partitions, and for
// BIOS a BIOS boot partition last whose stage is told where it landed. Label, volume ID and
// GUIDs come from the schematic ID, so the same spec gives the same bytes.
import { type FatFile, writeFat32 } from "../formats/fat32.ts";
import { type GptPartitionInput, gptTypes, guidFromSeed, layoutGpt, type PartitionData, writeGptDisk } from "../formats/gpt.ts";

/** A BIOS loader's stage in a BIOS boot partition (Limine's stage 2, GRUB's core.img). */
export interface BiosStage {
  /** Bytes the partition must hold. */
  size: number;
  /** Given the partition's first LBA: the MBR's 440 bytes of boot code and the partition's data. */
  place(firstLba: number): { mbrBootCode: Buffer; data: Buffer };
}

export interface EspDiskOptions {
  files: FatFile[];
  seed: string;
  mtime: number;
  /** Partitions after the ESP (a root filesystem, ...). */
  more?: { input: GptPartitionInput; data: PartitionData }[];
  bios?: BiosStage;
}

export async function writeEspDisk(path: string, opts: EspDiskOptions): Promise<void> {
  const esp = writeFat32(opts.files, {
    label: "BROKKR",
    volumeId: Number.parseInt(opts.seed.slice(0, 8), 16) >>> 0,
    mtime: opts.mtime,
  });
  const parts = [
    {
      input: { name: "ESP", typeGuid: gptTypes.efiSystem, guid: guidFromSeed(`${opts.seed}:esp`), sizeBytes: esp.length },
      data: esp as PartitionData,
    },
    ...(opts.more ?? []),
  ];
  const diskGuid = guidFromSeed(`${opts.seed}:disk`);
  if (!opts.bios) {
    await writeGptDisk(path, parts, { diskGuid });
    return;
  }
  const biosInput: GptPartitionInput = {
    name: "BIOS boot",
    typeGuid: gptTypes.biosBoot,
    guid: guidFromSeed(`${opts.seed}:bios-boot`),
    sizeBytes: opts.bios.size,
  };
  // Where the BIOS boot partition lands decides what the stage before it is told.
  const layout = layoutGpt([...parts.map((p) => p.input), biosInput], { diskGuid });
  const placed = opts.bios.place(layout.partitions.at(-1)!.firstLba);
  await writeGptDisk(path, [...parts, { input: biosInput, data: placed.data }], { diskGuid, mbrBootCode: placed.mbrBootCode });
}
