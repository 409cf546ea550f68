import assert from "node:assert/strict";
import { test } from "node:test";
import { BrokkrError } from "../errors.ts";
import { imageSpecSchema } from "../spec/index.ts";
import { assertBuildable, missingFeatures } from "./buildable.ts";

const spec = (value: Record<string, unknown>) => imageSpecSchema.parse({ name: "t", ...value });

test("multiboot2 (GRUB + Xen) builds on x86_64 with UEFI and BIOS firmware", () => {
  for (const firmware of ["uefi", "bios"]) {
    const xen = spec({ arch: "x86_64", kernel: "xen", boot: { protocol: "multiboot2", firmware }, outputs: ["disk", "qcow2"] });
    assert.deepEqual(missingFeatures(xen), [], firmware);
  }
});

test("uefi on every arch builds", () => {
  for (const arch of ["x86_64", "aarch64", "riscv64"]) {
    assert.deepEqual(missingFeatures(spec({ arch, outputs: ["disk", "uki", "pxe", "iso", "qcow2"] })), [], arch);
  }
});

test("a valid spec the build cannot write yet is refused with every reason, before any work", () => {
  const xen = spec({
    arch: "x86_64",
    kernel: "xen",
    boot: { protocol: "multiboot2", firmware: "bios" },
    rootfs: { layout: "partition" },
    outputs: ["iso"],
  });
  assert.throws(
    () => assertBuildable(xen),
    (e: unknown) =>
      e instanceof BrokkrError &&
      e.code === "boot.not-implemented" &&
      !/boot.protocol multiboot2 with/.test(e.message) &&
      /rootfs.layout partition with boot.protocol multiboot2 is not yet implemented/.test(e.message) &&
      /outputs: iso with rootfs.layout partition is not yet implemented/.test(e.message) &&
      /brokkr matrix/.test(e.hint ?? ""),
  );
  assert.deepEqual(missingFeatures(spec({ arch: "aarch64", rootfs: { layout: "partition" } })), []);
  assert.deepEqual(
    missingFeatures(spec({ arch: "x86_64", boot: { protocol: "limine", firmware: "bios" }, rootfs: { layout: "partition" }, outputs: ["iso"] })),
    ["rootfs.layout partition with boot.protocol limine is not yet implemented", "outputs: iso with rootfs.layout partition is not yet implemented"],
  );
});

test("the ISO holds the UKI, Limine or GRUB + Xen (UEFI, and BIOS through their CD loaders); qcow2 converts any disk", () => {
  for (const firmware of ["uefi", "bios"]) {
    const limine = spec({ arch: "x86_64", boot: { protocol: "limine", firmware }, outputs: ["iso", "qcow2"] });
    assert.deepEqual(missingFeatures(limine), [], firmware);
    const xen = spec({ arch: "x86_64", kernel: "xen", boot: { protocol: "multiboot2", firmware }, outputs: ["disk", "iso"] });
    assert.deepEqual(missingFeatures(xen), [], firmware);
  }
  assert.deepEqual(missingFeatures(spec({ arch: "riscv64", boot: { protocol: "limine" }, outputs: ["iso"] })), []);
});
