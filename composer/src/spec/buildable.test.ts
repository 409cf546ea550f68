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

test("the one check gives every problem a kind: invalid, not-implemented, unavailable", async () => {
  const { loadCatalog } = await import("../catalog/load.ts");
  const { checkSpecValue } = await import("./check.ts");
  const catalog = await loadCatalog();
  const bad = checkSpecValue({ name: "t", arch: "aarch64", boot: { protocol: "multiboot2" } }, catalog);
  assert.ok(bad.problems.length > 0 && bad.problems.every((p) => p.kind === "invalid"), JSON.stringify(bad.problems));

  const notYet = checkSpecValue({ name: "t", arch: "x86_64", rootfs: { layout: "partition" }, outputs: ["iso"] }, catalog);
  assert.deepEqual(
    notYet.problems.map((p) => [p.kind, p.code, p.path]),
    [["not-implemented", "boot.not-implemented", "outputs"]],
  );

  const limine = { name: "t", arch: "x86_64", boot: { protocol: "limine" } };
  assert.deepEqual(checkSpecValue(limine, catalog).problems, []);
  const off = checkSpecValue(limine, catalog, { unavailable: { limine: { code: "boot.limine-missing", reason: "no Limine files" } } });
  assert.deepEqual(off.problems, [{ path: "boot.protocol", message: "no Limine files", kind: "unavailable", code: "boot.limine-missing" }]);
  // Another chain is not affected by Limine's absence.
  assert.deepEqual(checkSpecValue({ name: "t", arch: "x86_64" }, catalog, { unavailable: { limine: { code: "boot.limine-missing", reason: "x" } } }).problems, []);
});
