// The disk for `rootfs.layout: partition`: the ESP (UKI with the early-stage initramfs), the
// root filesystem as EROFS, and an empty state partition that the first boot formats (see
// assemble/early-stage.ts). Root's type GUID is the Discoverable Partitions one for the arch, so tools
// such as systemd-dissect recognise it; the early stage finds both partitions by name.
import type { ErofsImage } from "../../formats/erofs.ts";
import { gptTypes, guidFromSeed } from "../../formats/gpt.ts";
import type { Arch } from "../../terms/patterns.ts";
import { writeEspDisk } from "../esp-disk.ts";
import { espFiles } from "./disk.ts";

/** The partition names the early stage (assemble/early-stage.ts) finds root and state by. */
export const ROOT_PARTITION_NAME = "brokkr-root";
export const STATE_PARTITION_NAME = "brokkr-state";

/** The Discoverable Partitions Specification's root partition types. */
export const rootPartitionTypes: Record<string, string> = {
  x86_64: "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709",
  aarch64: "B921B045-1DF0-41C3-AF44-4C6F280D3FAE",
  riscv64: "72EC70A6-CF74-40E6-BD49-4BDA08E8F224",
};

/** Room for the root's changes: small in the download (sparse, and qcow2 keeps it small). */
export const STATE_PARTITION_BYTES = 256 * 1024 * 1024;

export async function writePartitionRootDisk(
  path: string,
  opts: { arch: Arch; uki: Buffer; root: ErofsImage; seed: string; mtime: number },
): Promise<void> {
  await writeEspDisk(path, {
    files: espFiles(opts),
    seed: opts.seed,
    mtime: opts.mtime,
    more: [
      {
        input: {
          name: ROOT_PARTITION_NAME,
          typeGuid: rootPartitionTypes[opts.arch]!,
          guid: guidFromSeed(`${opts.seed}:root`),
          sizeBytes: opts.root.sizeBytes,
        },
        data: opts.root.chunks(),
      },
      {
        input: {
          name: STATE_PARTITION_NAME,
          typeGuid: gptTypes.linuxFilesystem,
          guid: guidFromSeed(`${opts.seed}:state`),
          sizeBytes: STATE_PARTITION_BYTES,
        },
        data: Buffer.alloc(0),
      },
    ],
  });
}
