// The few parts of a relocatable ELF (a kernel module) that depmod looks at: sections by
// name and the symbol table. Either class, either byte order.
import { BrokkrError } from "../errors.ts";

export interface ElfSection {
  name: string;
  offset: number;
  size: number;
}

export interface ElfSymbol {
  name: string;
  /** Section index; 0 (SHN_UNDEF) for a symbol the module needs from elsewhere. */
  shndx: number;
}

export interface ModuleElf {
  sections: ElfSection[];
  section(name: string): ElfSection | undefined;
  /** `.symtab` entries after the null one, in file order, names from `.strtab`. */
  symbols(): ElfSymbol[];
  /** The section's bytes; empty when the module has no such section. */
  bytes(name: string): Buffer;
}

/** Parses the section table; offsets past the end of a cut-short file become a BrokkrError. */
export function openModuleElf(elf: Buffer, name: string): ModuleElf {
  const corrupt = (err: unknown): never => {
    if (!(err instanceof RangeError)) throw err;
    throw new BrokkrError("kernel.invalid", `${name} is a truncated or corrupt ELF file`, {
      cause: err,
    });
  };
  if (elf.length < 4 || elf.readUInt32BE(0) !== 0x7f454c46) {
    throw new BrokkrError("kernel.invalid", `${name} is not an ELF file`);
  }
  const is64 = elf[4] === 2;
  const le = elf[5] === 1;
  const u16 = (o: number) => (le ? elf.readUInt16LE(o) : elf.readUInt16BE(o));
  const u32 = (o: number) => (le ? elf.readUInt32LE(o) : elf.readUInt32BE(o));
  const word = (o: number) => (is64 ? Number(le ? elf.readBigUInt64LE(o) : elf.readBigUInt64BE(o)) : u32(o));
  const cstr = (at: number) => {
    const end = elf.indexOf(0, at);
    if (end < 0) throw new RangeError(`unterminated string at ${at}`);
    return elf.toString("latin1", at, end);
  };
  const slice = (s: ElfSection) => {
    if (s.offset + s.size > elf.length) throw new RangeError(`section ${s.name} ends past the file`);
    return elf.subarray(s.offset, s.offset + s.size);
  };

  let sections: ElfSection[] = [];
  try {
    const shoff = word(is64 ? 0x28 : 0x20);
    const shentsize = u16(is64 ? 0x3a : 0x2e);
    const shnum = u16(is64 ? 0x3c : 0x30);
    const shstrndx = u16(is64 ? 0x3e : 0x32);
    const raw = (i: number) => {
      const base = shoff + i * shentsize;
      return {
        name: u32(base),
        offset: word(base + (is64 ? 0x18 : 0x10)),
        size: word(base + (is64 ? 0x20 : 0x14)),
      };
    };
    const strtab = raw(shstrndx);
    sections = Array.from({ length: shnum }, (_, i) => {
      const s = raw(i);
      return { name: cstr(strtab.offset + s.name), offset: s.offset, size: s.size };
    });
  } catch (err) {
    corrupt(err);
  }
  const section = (n: string) => sections.find((s) => s.name === n);
  const bytes = (n: string) => {
    const s = section(n);
    try {
      return s ? slice(s) : Buffer.alloc(0);
    } catch (err) {
      return corrupt(err);
    }
  };

  const symbols = (): ElfSymbol[] => {
    const symtab = section(".symtab");
    const strtab = section(".strtab");
    if (!symtab || !strtab) return [];
    const entsize = is64 ? 24 : 16;
    const out: ElfSymbol[] = [];
    try {
      slice(symtab);
      for (let at = symtab.offset + entsize; at + entsize <= symtab.offset + symtab.size; at += entsize) {
        const nameOff = u32(at);
        const shndx = u16(at + (is64 ? 6 : 14));
        if (nameOff >= strtab.size) throw new RangeError(`symbol name offset ${nameOff} past .strtab`);
        out.push({ name: cstr(strtab.offset + nameOff), shndx });
      }
    } catch (err) {
      corrupt(err);
    }
    return out;
  };

  return { sections, section, symbols, bytes };
}
