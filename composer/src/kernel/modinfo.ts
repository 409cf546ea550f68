// Reads what depmod reads from a kernel module (ELF64 or ELF32, either byte order): the
// `.modinfo` strings such as `depends=virtio,virtio_ring` and `alias=...`, and the symbols it
// exports and needs, from which depmod derives modules.dep and modules.symbols.
import { openModuleElf } from "./elf.ts";

export function readModinfo(elf: Buffer, name: string): Map<string, string[]> {
  const info = new Map<string, string[]>();
  for (const entry of openModuleElf(elf, name).bytes(".modinfo").toString("utf8").split("\0")) {
    const eq = entry.indexOf("=");
    if (eq <= 0) continue;
    const key = entry.slice(0, eq);
    info.set(key, [...(info.get(key) ?? []), entry.slice(eq + 1)]);
  }
  return info;
}

export interface ModuleSymbols {
  /** Exported symbols, in file order. */
  exports: string[];
  /** Symbols the module needs (undefined in its symbol table, weak ones too), in file order. */
  needs: string[];
}

/**
 * As libkmod reads them: exports are the `__crc_<name>` symbols when the kernel has
 * CONFIG_MODVERSIONS, else the strings of `__ksymtab_strings`.
 */
export function readModuleSymbols(elf: Buffer, name: string): ModuleSymbols {
  const mod = openModuleElf(elf, name);
  const symbols = mod.symbols();
  let exports = symbols.filter((s) => s.name.startsWith("__crc_")).map((s) => s.name.slice("__crc_".length));
  if (exports.length === 0) {
    const strings = mod.bytes("__ksymtab_strings");
    // libkmod ignores a table that does not end in NUL.
    if (strings.at(-1) === 0) exports = strings.toString("latin1").split("\0").filter(Boolean);
  }
  const needs = symbols.filter((s) => s.shndx === 0 && s.name !== "").map((s) => s.name);
  return { exports, needs };
}
