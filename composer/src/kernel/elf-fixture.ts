// Test-only: a minimal relocatable ELF (what a .ko is) with .text, .modinfo, an optional
// __ksymtab_strings, .symtab, .strtab and .shstrtab, in either class and byte order, so modinfo
// and symbol parsing (and the host's depmod) are tested without a kernel.

export interface ElfOptions {
  bits: 32 | 64;
  endian: "le" | "be";
  /** `key=value` strings for .modinfo, as the kernel's MODULE_INFO() lays them out. */
  modinfo: string[];
  /** Exported symbols: listed in __ksymtab_strings, and defined in .text. */
  exports?: string[];
  /** Also define `__crc_<name>` for each export, as a CONFIG_MODVERSIONS kernel does. */
  crcs?: boolean;
  /** Undefined symbols, in .symtab order; `weak:` in front makes one weak. */
  needs?: string[];
}

export function buildModuleElf(opts: ElfOptions): Buffer {
  const is64 = opts.bits === 64;
  const le = opts.endian === "le";
  const ehsize = is64 ? 64 : 52;
  const shentsize = is64 ? 64 : 40;
  const symsize = is64 ? 24 : 16;
  const exports = opts.exports ?? [];

  // Symbols: null, the __crc_ locals, then globals (exports defined in .text, needs undefined).
  const strtab: string[] = [""];
  const strAt = (s: string) => {
    const at = strtab.join("\0").length + 1;
    strtab.push(s);
    return at;
  };
  const TEXT = 1;
  const syms = [{ name: 0, info: 0, shndx: 0, value: 0 }];
  if (opts.crcs)
    for (const e of exports) syms.push({ name: strAt(`__crc_${e}`), info: 0x00, shndx: TEXT, value: 0 });
  const firstGlobal = syms.length;
  for (const e of exports) syms.push({ name: strAt(e), info: 0x12, shndx: TEXT, value: 0 }); // GLOBAL FUNC
  for (const n of opts.needs ?? []) {
    const weak = n.startsWith("weak:");
    syms.push({ name: strAt(weak ? n.slice(5) : n), info: weak ? 0x20 : 0x10, shndx: 0, value: 0 });
  }

  const u16 = (b: Buffer, o: number, v: number) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o));
  const u32 = (b: Buffer, o: number, v: number) => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  const u64 = (b: Buffer, o: number, v: number) =>
    le ? b.writeBigUInt64LE(BigInt(v), o) : b.writeBigUInt64BE(BigInt(v), o);
  const word = (b: Buffer, o: number, v: number) => (is64 ? u64(b, o, v) : u32(b, o, v));

  const symtab = Buffer.alloc(syms.length * symsize);
  syms.forEach((s, i) => {
    const b = i * symsize;
    u32(symtab, b, s.name);
    if (is64) {
      symtab[b + 4] = s.info;
      u16(symtab, b + 6, s.shndx);
      u64(symtab, b + 8, s.value);
    } else {
      u32(symtab, b + 4, s.value);
      symtab[b + 12] = s.info;
      u16(symtab, b + 14, s.shndx);
    }
  });

  const contents: {
    name: string;
    type: number;
    flags: number;
    data: Buffer;
    align: number;
    link?: number;
    info?: number;
    entsize?: number;
  }[] = [
    { name: ".text", type: 1, flags: 6, data: Buffer.from([0xc3, 0x90, 0x90, 0x90]), align: 4 },
    {
      name: ".modinfo",
      type: 1,
      flags: 2,
      data: Buffer.from(opts.modinfo.map((e) => `${e}\0`).join("")),
      align: 1,
    },
  ];
  if (exports.length > 0) {
    contents.push({
      name: "__ksymtab_strings",
      type: 1,
      flags: 2,
      data: Buffer.from(exports.map((e) => `${e}\0`).join("")),
      align: 1,
    });
  }
  const symtabIndex = contents.length + 1;
  contents.push(
    {
      name: ".symtab",
      type: 2,
      flags: 0,
      data: symtab,
      align: 8,
      link: symtabIndex + 1,
      info: firstGlobal,
      entsize: symsize,
    },
    { name: ".strtab", type: 3, flags: 0, data: Buffer.from(`${strtab.join("\0")}\0`), align: 1 },
  );
  const names = Buffer.from(`\0${[...contents.map((c) => c.name), ".shstrtab"].join("\0")}\0`);
  contents.push({ name: ".shstrtab", type: 3, flags: 0, data: names, align: 1 });
  const nameAt = (n: string) => names.indexOf(`\0${n}\0`) + 1;

  const align = (n: number) => (n + 7) & ~7;
  let at = ehsize;
  const placed = contents.map((c) => {
    const offset = align(at);
    at = offset + c.data.length;
    return { ...c, offset };
  });
  const shoff = align(at);
  const sections = [{ name: "", type: 0, flags: 0, offset: 0, data: Buffer.alloc(0), align: 0 }, ...placed];
  const out = Buffer.alloc(shoff + sections.length * shentsize);

  out.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1], 0);
  u16(out, 0x10, 1); // ET_REL
  u16(out, 0x12, is64 ? 62 : 20); // x86-64, or 32-bit PowerPC for the big-endian case
  u32(out, 0x14, 1);
  word(out, is64 ? 0x28 : 0x20, shoff);
  u16(out, is64 ? 0x34 : 0x28, ehsize);
  u16(out, is64 ? 0x3a : 0x2e, shentsize);
  u16(out, is64 ? 0x3c : 0x30, sections.length);
  u16(out, is64 ? 0x3e : 0x32, sections.length - 1);

  sections.forEach((s, i) => {
    s.data.copy(out, s.offset);
    const b = shoff + i * shentsize;
    const c = s as (typeof placed)[number];
    u32(out, b, i === 0 ? 0 : nameAt(s.name));
    u32(out, b + 4, s.type);
    word(out, b + 8, s.flags);
    word(out, b + (is64 ? 0x18 : 0x10), s.offset);
    word(out, b + (is64 ? 0x20 : 0x14), s.data.length);
    u32(out, b + (is64 ? 0x28 : 0x18), c.link ?? 0);
    u32(out, b + (is64 ? 0x2c : 0x1c), c.info ?? 0);
    word(out, b + (is64 ? 0x30 : 0x20), s.align);
    word(out, b + (is64 ? 0x38 : 0x24), c.entsize ?? 0);
  });
  return out;
}
