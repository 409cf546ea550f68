// Writes the multiboot2 chain's disk and ISO: GRUB's platform directories from the loader
// packages, Xen from the hypervisor package.
import { gunzipSync } from "node:zlib";
import { grubDir } from "../../boot/grub.ts";
import { BrokkrError } from "../../errors.ts";
import { findImage } from "../../kernel/find-image.ts";
import type { ChainAssembler, ChainImage } from "../assemble.ts";
import { grubIsoOptions, writeGrubDiskImage } from "./disk.ts";

/** Xen on the serial line, with a fixed dom0 size so dom0 does not balloon at boot. */
const xenArgs = "console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M";

/** `efi` and `pc` for the ISO (`efi` is empty without an ISO on BIOS), and the uncompressed hypervisor. */
function grubParts(image: ChainImage) {
  const loaders = image.entries("loader");
  const efi = grubDir(loaders, "x86_64-efi");
  const pc = grubDir(loaders, "i386-pc");
  const hv = image.entries("hypervisor");
  const found = findImage(hv, [...image.hypervisorImagePaths]);
  if (!found?.data) {
    throw new BrokkrError("kernel.image-missing", `the hypervisor package has no file matching ${image.hypervisorImagePaths.join(" or ")}`, {
      hint: "check kernel/<id>.yaml's imagePath",
    });
  }
  const xen = found.data[0] === 0x1f && found.data[1] === 0x8b ? gunzipSync(found.data) : found.data;
  return { efi, pc, xen };
}

const common = (image: ChainImage) => ({
  firmware: image.spec.boot.firmware,
  xenArgs,
  kernel: image.kernel,
  kernelArgs: image.cmdline,
  initrd: image.initrd,
  seed: image.seed,
  mtime: image.mtime,
});

export const assembler: ChainAssembler = {
  async writeDisk(path, image) {
    const { efi, pc, xen } = grubParts(image);
    await writeGrubDiskImage(path, { ...common(image), grub: image.spec.boot.firmware === "uefi" ? efi : pc, xen });
  },
  isoOptions(image) {
    const { efi, pc, xen } = grubParts(image);
    return grubIsoOptions({ ...common(image), efi, pc, xen });
  },
};
