import assert from "node:assert/strict";
import { test } from "node:test";
import { BrokkrError } from "../errors.ts";
import { imageSpecSchema } from "../spec/index.ts";
import { assertBuildable, missingFeatures } from "./boot-chains.ts";

const spec = (value: Record<string, unknown>) => imageSpecSchema.parse({ name: "t", ...value });

test("uefi on every arch builds", () => {
  for (const arch of ["x86_64", "aarch64", "riscv64"]) {
    assert.deepEqual(missingFeatures(spec({ arch, outputs: ["disk", "uki", "pxe", "iso", "qcow2"] })), [], arch);
  }
});

test("a valid spec the build cannot write yet is refused with every reason, before any work", () => {
  const xen = spec({ arch: "x86_64", kernel: "xen", boot: { protocol: "multiboot2", firmware: "bios" }, outputs: ["iso"] });
  assert.throws(
    () => assertBuildable(xen),
    (e: unknown) =>
      e instanceof BrokkrError &&
      e.code === "boot.not-implemented" &&
      /multiboot2 with boot.firmware bios on x86_64: not yet implemented/.test(e.message) &&
      /outputs: iso with boot.protocol multiboot2 and boot.firmware bios is not yet implemented/.test(e.message) &&
      /brokkr matrix/.test(e.hint ?? ""),
  );
  assert.deepEqual(missingFeatures(spec({ arch: "aarch64", rootfs: { layout: "partition" } })), [
    "rootfs.layout partition is not yet implemented",
  ]);
});

test("the ISO holds the UKI, so it is refused for other protocols; qcow2 converts any disk", () => {
  const limine = spec({ arch: "x86_64", boot: { protocol: "limine", firmware: "uefi" }, outputs: ["iso", "qcow2"] });
  assert.deepEqual(
    missingFeatures(limine).filter((m) => m.startsWith("outputs")),
    ["outputs: iso with boot.protocol limine and boot.firmware uefi is not yet implemented"],
  );
});
