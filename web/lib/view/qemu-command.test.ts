import assert from "node:assert/strict";
import { test } from "node:test";
import { qemuCommand } from "./qemu-command.ts";

const base = "http://brokkr.test:8080/images/abc";

test("x86_64 UEFI disk: OVMF code read-only, a copied VARS, the disk as a snapshot", () => {
  const cmd = qemuCommand({
    arch: "x86_64",
    firmware: "uefi",
    protocol: "uefi",
    files: ["disk.img", "uki.efi"],
    baseUrl: base,
  })!;
  assert.match(cmd, /^curl -fLO http:\/\/brokkr\.test:8080\/images\/abc\/disk\.img$/m);
  assert.match(cmd, /^cp \/usr\/share\/OVMF\/OVMF_VARS_4M\.fd vars\.fd/m);
  assert.match(cmd, /qemu-system-x86_64 -M q35 -cpu max /);
  assert.match(cmd, /if=pflash,format=raw,readonly=on,file=\/usr\/share\/OVMF\/OVMF_CODE_4M\.fd/);
  assert.match(cmd, /-drive file=disk\.img,format=raw,if=virtio,snapshot=on/);
});

test("aarch64 uses AAVMF and the virt machine; BIOS on x86_64 needs no pflash", () => {
  const arm = qemuCommand({ arch: "aarch64", firmware: "uefi", protocol: "uefi", files: ["disk.img"], baseUrl: base })!;
  assert.match(arm, /qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on/);
  assert.match(arm, /AAVMF_CODE\.fd/);
  const bios = qemuCommand({ arch: "x86_64", firmware: "bios", protocol: "uefi", files: ["disk.img"], baseUrl: base })!;
  assert.doesNotMatch(bios, /pflash|vars\.fd/);
});

test("PXE files alone boot directly with -kernel/-initrd; nothing bootable gives no command", () => {
  const pxe = qemuCommand({
    arch: "riscv64",
    firmware: "uefi",
    protocol: "uefi",
    files: ["vmlinuz", "initrd.img", "cmdline"],
    baseUrl: base,
  })!;
  assert.match(pxe, /-kernel vmlinuz -initrd initrd\.img/);
  assert.match(pxe, /-append "\$\(cat cmdline\)"/);
  assert.equal(
    qemuCommand({ arch: "x86_64", firmware: "uefi", protocol: "uefi", files: ["uki.efi"], baseUrl: base }),
    undefined,
  );
});

test("Xen (multiboot2) gets what boot-test gives it: -cpu max,-smap and 2 GiB", () => {
  const xen = qemuCommand({ arch: "x86_64", firmware: "bios", protocol: "multiboot2", files: ["disk.img"], baseUrl: base })!;
  assert.match(xen, /qemu-system-x86_64 -M q35 -cpu max,-smap -accel kvm -accel tcg -m 2048M /);
});
