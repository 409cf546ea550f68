// A QEMU command line a user can paste to boot what a build produced: the machine, firmware
// and disk arguments the boot tests use (composer/src/qemu), with Debian's firmware paths.
import type { Arch } from "@brokkr/composer/browser";

export interface QemuCommandInput {
  arch: Arch;
  firmware: "uefi" | "bios";
  /** Artifact file names of the build (disk.img, vmlinuz, initrd.img, cmdline, uki.efi). */
  files: readonly string[];
  /** Where the files can be downloaded, without a trailing slash. */
  baseUrl: string;
}

const BINARY: Record<Arch, string> = {
  x86_64: "qemu-system-x86_64",
  aarch64: "qemu-system-aarch64",
  riscv64: "qemu-system-riscv64",
};

const MACHINE: Record<Arch, string> = {
  x86_64: "-M q35 -cpu max",
  aarch64: "-M virt -cpu max,pauth-impdef=on",
  riscv64: "-M virt",
};

/** UEFI code and VARS template, and the Debian package that has them. */
const UEFI: Record<Arch, { code: string; vars: string; pkg: string }> = {
  x86_64: { code: "/usr/share/OVMF/OVMF_CODE_4M.fd", vars: "/usr/share/OVMF/OVMF_VARS_4M.fd", pkg: "ovmf" },
  aarch64: {
    code: "/usr/share/AAVMF/AAVMF_CODE.fd",
    vars: "/usr/share/AAVMF/AAVMF_VARS.fd",
    pkg: "qemu-efi-aarch64",
  },
  riscv64: {
    code: "/usr/share/qemu-efi-riscv64/RISCV_VIRT_CODE.fd",
    vars: "/usr/share/qemu-efi-riscv64/RISCV_VIRT_VARS.fd",
    pkg: "qemu-efi-riscv64",
  },
};

/** Shell lines: download, copy the VARS template (firmware writes into it), start QEMU. */
export function qemuCommand(input: QemuCommandInput): string | undefined {
  const { arch, firmware, files, baseUrl } = input;
  const disk = files.includes("disk.img");
  const direct = files.includes("vmlinuz") && files.includes("initrd.img");
  if (!disk && !direct) return undefined;
  const lines: string[] = [];
  const start = [`${BINARY[arch]} ${MACHINE[arch]} -accel kvm -accel tcg -m 2G -nographic`];
  if (disk) {
    lines.push(`curl -fLO ${baseUrl}/disk.img`);
    if (firmware === "uefi") {
      const fw = UEFI[arch];
      lines.push(`cp ${fw.vars} vars.fd   # from the Debian package ${fw.pkg}`);
      start.push(
        `-drive if=pflash,format=raw,readonly=on,file=${fw.code}`,
        "-drive if=pflash,format=raw,file=vars.fd",
      );
    }
    start.push("-drive file=disk.img,format=raw,if=virtio,snapshot=on");
  } else {
    lines.push(`curl -fL --remote-name-all ${baseUrl}/vmlinuz ${baseUrl}/initrd.img ${baseUrl}/cmdline`);
    start.push("-kernel vmlinuz -initrd initrd.img", '-append "$(cat cmdline)"');
  }
  start.push("-nic user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:2222-:22");
  lines.push(start.join(" \\\n  "));
  return lines.join("\n");
}
