// The image step: every output the spec asks for, written into a staging directory. The disk
// and the ISO are the boot chain's; the UKI, the PXE files, the qcow2 and the SBOM are the same
// for every chain.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ChainAssembler, ChainImage } from "../chains/assemble.ts";
import { writeIsoImage } from "../chains/iso-image.ts";
import { writeQcow2 } from "../formats/qcow2.ts";
import type { ImageSpec } from "../spec/index.ts";

type Output = Buffer | "disk" | "iso" | "qcow2";

/** Writes the outputs into `staging` (made anew) and returns their file names. */
export async function writeOutputs(
  staging: string,
  opts: { spec: ImageSpec; assembler: ChainAssembler; image: ChainImage; sbom: Buffer },
): Promise<string[]> {
  const { spec, assembler, image } = opts;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const files = outputFiles(spec, image, opts.sbom);
  for (const [name, data] of files) {
    const path = join(staging, name);
    if (data === "iso") await writeIsoImage(path, assembler.isoOptions(image));
    else if (data === "qcow2") await writeQcow2(path, join(staging, "disk.img"));
    else if (data === "disk") await assembler.writeDisk(path, image);
    else await writeFile(path, data);
  }
  // disk.qcow2 is converted from disk.img, which is written (and dropped) when not an output.
  if (spec.outputs.includes("qcow2") && !spec.outputs.includes("disk")) {
    await rm(join(staging, "disk.img"));
    files.delete("disk.img");
  }
  return [...files.keys()];
}

/** The files to write, in the order they are written. */
function outputFiles(spec: ImageSpec, image: ChainImage, sbom: Buffer): Map<string, Output> {
  const files = new Map<string, Output>();
  if (spec.outputs.includes("uki")) files.set("uki.efi", image.uki);
  if (spec.outputs.includes("pxe")) {
    files.set("vmlinuz", image.kernel);
    files.set("initrd.img", image.initrd);
    files.set("cmdline", Buffer.from(`${image.cmdline}\n`));
  }
  if (spec.outputs.includes("disk") || spec.outputs.includes("qcow2")) files.set("disk.img", "disk");
  if (spec.outputs.includes("iso")) files.set("image.iso", "iso");
  if (spec.outputs.includes("qcow2")) files.set("disk.qcow2", "qcow2");
  files.set("sbom.spdx.json", sbom);
  return files;
}
