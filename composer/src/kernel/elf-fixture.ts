// Test-only: a minimal relocatable ELF (what a .ko is) with .text, .modinfo and .shstrtab
// sections, in either class and byte order, so modinfo parsing is tested without a kernel.

export interface ElfOptions {
  bits: 32 | 64;
  endian: "le" | "be";
  /** `key=value` strings for .modinfo, as the kernel's MODULE_INFO() lays them out. */
  modinfo: string[];
}

export function buildModuleElf(opts: ElfOptions): Buffer {
  const is64 = opts.bits === 64;
  const le = opts.endian === "le";
  const ehsize = is64 ? 64 : 52;
  const shentsize = is64 ? 64 : 40;
  const text = Buffer.from([0xc3, 0x90, 0x90, 0x90]);
  const modinfo = Buffer.from(opts.modinfo.map((e) => `${e}\0`).join(""));
  const names = Buffer.from("\0.text\0.modinfo\0.shstrtab\0");
  const nameAt = (n: string) => names.indexOf(`${n}\0`);

  const align = (n: number) => (n + 7) & ~7;
  const textOff = ehsize;
  const modinfoOff = align(textOff + text.length);
  const namesOff = align(modinfoOff + modinfo.length);
  const shoff = align(namesOff + names.length);
  const sections = [
    { name: 0, type: 0, flags: 0, offset: 0, size: 0, align: 0 },
    { name: nameAt(".text"), type: 1, flags: 6, offset: textOff, size: text.length, align: 4 },
    { name: nameAt(".modinfo"), type: 1, flags: 2, offset: modinfoOff, size: modinfo.length, align: 1 },
    { name: nameAt(".shstrtab"), type: 3, flags: 0, offset: namesOff, size: names.length, align: 1 },
  ];
  const out = Buffer.alloc(shoff + sections.length * shentsize);

  const u16 = (o: number, v: number) => (le ? out.writeUInt16LE(v, o) : out.writeUInt16BE(v, o));
  const u32 = (o: number, v: number) => (le ? out.writeUInt32LE(v, o) : out.writeUInt32BE(v, o));
  const u64 = (o: number, v: number) =>
    le ? out.writeBigUInt64LE(BigInt(v), o) : out.writeBigUInt64BE(BigInt(v), o);
  const word = (o: number, v: number) => (is64 ? u64(o, v) : u32(o, v));

  out.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1], 0);
  u16(0x10, 1); // ET_REL
  u16(0x12, is64 ? 62 : 20); // x86-64, or 32-bit PowerPC for the big-endian case
  u32(0x14, 1);
  word(is64 ? 0x28 : 0x20, shoff);
  u16(is64 ? 0x34 : 0x28, ehsize);
  u16(is64 ? 0x3a : 0x2e, shentsize);
  u16(is64 ? 0x3c : 0x30, sections.length);
  u16(is64 ? 0x3e : 0x32, sections.length - 1);

  text.copy(out, textOff);
  modinfo.copy(out, modinfoOff);
  names.copy(out, namesOff);
  sections.forEach((s, i) => {
    const b = shoff + i * shentsize;
    u32(b, s.name);
    u32(b + 4, s.type);
    word(b + 8, s.flags);
    word(b + (is64 ? 0x18 : 0x10), s.offset);
    word(b + (is64 ? 0x20 : 0x14), s.size);
    word(b + (is64 ? 0x30 : 0x20), s.align);
  });
  return out;
}
