// Where firmware looks for a loader on a disk it knows nothing about: the removable-media path
// \EFI\BOOT\BOOT<arch>.EFI (UEFI 2.10, 3.5.1.1). On arches whose usual UEFI is U-Boot's, a big
// file there overflows U-Boot's load area, so the ESP also carries a boot script that U-Boot's
// distro boot runs first (uboot-script.ts). Every boot chain puts its EFI program here.
import type { FatFile } from "../formats/fat32.ts";
import type { Arch } from "../terms/patterns.ts";
import { efiBootName } from "../terms/efi-boot-name.ts";
import { ukiBootScript, writeUbootScript } from "./uboot-script.ts";

export { efiBootName };

/** `EFI/BOOT/BOOTX64.EFI` and the like: the path on the ESP, without a leading slash. */
export function removableMediaPath(arch: Arch): string {
  return `EFI/BOOT/${efiBootName[arch]}`;
}

/** Arches whose usual UEFI firmware is U-Boot. */
const ubootScriptArches: ReadonlySet<string> = new Set(["riscv64"]);

/** The ESP's boot script that starts `efiPath` where U-Boot is the firmware; none elsewhere. */
export function bootScriptFiles(arch: Arch, efiPath: string, mtime: number): FatFile[] {
  if (!ubootScriptArches.has(arch)) return [];
  return [{ path: "boot.scr", data: writeUbootScript(ukiBootScript(efiPath), { arch, mtime }) }];
}
