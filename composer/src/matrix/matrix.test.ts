import assert from "node:assert/strict";
import { before, test } from "node:test";
import { type Catalog, loadCatalog } from "../catalog/index.ts";
import { ARCHES, FIRMWARES, PROTOCOLS } from "../terms/patterns.ts";
import { formatMatrix, type MatrixCell, matrixCells } from "./matrix.ts";

let cells: MatrixCell[];
let catalog: Catalog;
before(async () => {
  catalog = await loadCatalog();
  cells = matrixCells(catalog);
});
const cell = (arch: string, protocol: string, firmware: string) => {
  const c = cells.find((x) => x.arch === arch && x.protocol === protocol && x.firmware === firmware);
  assert.ok(c, `${arch} ${protocol} ${firmware} is a cell`);
  return c;
};
const key = (c: MatrixCell) => `${c.arch}/${c.protocol}/${c.firmware}`;

test("every arch × protocol × firmware of the schema is a cell, once", () => {
  assert.equal(cells.length, ARCHES.length * PROTOCOLS.length * FIRMWARES.length);
  assert.equal(new Set(cells.map(key)).size, cells.length);
});

test("9 cells are valid, as the issue counts them", () => {
  const valid = cells.filter((c) => c.build !== undefined).map(key);
  assert.deepEqual(valid.sort(), [
    "aarch64/limine/uefi",
    "aarch64/uefi/uefi",
    "riscv64/limine/uefi",
    "riscv64/uefi/uefi",
    "x86_64/limine/bios",
    "x86_64/limine/uefi",
    "x86_64/multiboot2/bios",
    "x86_64/multiboot2/uefi",
    "x86_64/uefi/uefi",
  ]);
  for (const c of cells) assert.equal(c.problems.length === 0, c.build !== undefined, key(c));
});

test("invalid cells are refused with the field and the reason", () => {
  for (const arch of ["aarch64", "riscv64"]) {
    for (const firmware of FIRMWARES) {
      const mb2 = cell(arch, "multiboot2", firmware);
      assert.ok(
        mb2.problems.some((p) => p.path === "boot.protocol" && /multiboot2 is defined only for x86_64/.test(p.message)),
        `${arch} multiboot2 ${firmware}`,
      );
    }
    for (const protocol of PROTOCOLS) {
      const bios = cell(arch, protocol, "bios");
      assert.ok(
        bios.problems.some((p) => p.path === "boot.firmware" && /BIOS firmware exists only on x86_64/.test(p.message)),
        `${arch} ${protocol} bios`,
      );
    }
  }
  const ukiOnBios = cell("x86_64", "uefi", "bios");
  assert.deepEqual(ukiOnBios.problems.map((p) => p.path), ["boot.firmware"]);
  assert.match(ukiOnBios.problems[0]!.message, /BIOS firmware cannot start/);
});

test("each cell is judged with the kernel that fits: xen for multiboot2 on x86_64, else linux", () => {
  assert.equal(cell("x86_64", "multiboot2", "uefi").kernel, "xen");
  assert.equal(cell("x86_64", "multiboot2", "bios").kernel, "xen");
  assert.equal(cell("x86_64", "limine", "bios").kernel, "linux");
  assert.equal(cell("aarch64", "multiboot2", "uefi").kernel, "linux", "nothing fits: the default's refusal is the reason");
});

test("every valid cell builds: uefi and limine (UEFI) on all three arches, limine BIOS and multiboot2 on x86_64", () => {
  const built = cells.filter((c) => c.build?.implemented).map(key);
  assert.deepEqual(built.sort(), [
    "aarch64/limine/uefi",
    "aarch64/uefi/uefi",
    "riscv64/limine/uefi",
    "riscv64/uefi/uefi",
    "x86_64/limine/bios",
    "x86_64/limine/uefi",
    "x86_64/multiboot2/bios",
    "x86_64/multiboot2/uefi",
    "x86_64/uefi/uefi",
  ]);
  assert.match(JSON.stringify(cell("riscv64", "uefi", "uefi").build), /BOOTRISCV64\.EFI/);
  assert.match(JSON.stringify(cell("x86_64", "limine", "bios").build), /BIOS boot partition/);
  assert.match(JSON.stringify(cell("riscv64", "limine", "uefi").build), /Limine .*BOOTRISCV64\.EFI/);
  assert.match(JSON.stringify(cell("x86_64", "multiboot2", "bios").build), /core\.img .*Xen by multiboot2/);
  assert.match(JSON.stringify(cell("x86_64", "multiboot2", "uefi").build), /GRUB .*BOOTX64\.EFI → Xen/);
  const text = formatMatrix(cells);
  assert.match(text, /^9 of 18 cells valid; 9 build today, 0 not yet implemented$/m);
  assert.match(text, /^aarch64 +multiboot2 +uefi +linux +invalid +boot\.protocol: multiboot2 is defined only for x86_64/m);
});
