// A QEMU command line a user can paste to boot what a build produced: the binary, machine and
// guest settings come from the composer's own tables (the ones `brokkr boot-test` uses), with
// Debian's firmware paths.
import { type Arch, guestFor, machineArgsFor, qemuBinaries } from "@brokkr/composer/browser";

export interface QemuCommandInput {
  arch: Arch;
  firmware: "uefi" | "bios";
  /** The spec's boot.protocol: Xen (multiboot2) needs another CPU and more memory. */
  protocol: string;
  /** Artifact file names of the build (disk.img, vmlinuz, initrd.img, cmdline, uki.efi). */
  files: readonly string[];
  /** Where the files can be downloaded, without a trailing slash. */
  baseUrl: string;
}

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
  const { arch, firmware, protocol, files, baseUrl } = input;
  const disk = files.includes("disk.img");
  const direct = files.includes("vmlinuz") && files.includes("initrd.img");
  if (!disk && !direct) return undefined;
  const lines: string[] = [];
  const guest = guestFor(protocol);
  // 2 GiB at least: a user's machine has it, and a bigger image boots faster with it.
  const memory = Math.max(2048, guest.memoryMiB ?? 0);
  const machine = machineArgsFor(arch, guest.cpu).join(" ");
  const start = [`${qemuBinaries[arch].name} ${machine} -accel kvm -accel tcg -m ${memory}M -nographic`];
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
