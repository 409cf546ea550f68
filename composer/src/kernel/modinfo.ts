// Reads the `.modinfo` section of a kernel module (ELF64 or ELF32, either byte order):
// NUL-separated `key=value` strings such as `depends=virtio,virtio_ring` and `alias=...`.
import { BrokkrError } from "../errors.ts";

export function readModinfo(elf: Buffer, name: string): Map<string, string[]> {
  try {
    return parseModinfo(elf, name);
  } catch (err) {
    // Offsets past the end of a cut-short file: report the module, not a RangeError.
    if (!(err instanceof RangeError)) throw err;
    throw new BrokkrError("kernel.module-missing", `${name} is a truncated or corrupt ELF file`, { cause: err });
  }
}

function parseModinfo(elf: Buffer, name: string): Map<string, string[]> {
  if (elf.length < 4 || elf.readUInt32BE(0) !== 0x7f454c46) {
    throw new BrokkrError("kernel.module-missing", `${name} is not an ELF file`);
  }
  const is64 = elf[4] === 2;
  const le = elf[5] === 1;
  const u16 = (o: number) => (le ? elf.readUInt16LE(o) : elf.readUInt16BE(o));
  const u32 = (o: number) => (le ? elf.readUInt32LE(o) : elf.readUInt32BE(o));
  const word = (o: number) => (is64 ? Number(le ? elf.readBigUInt64LE(o) : elf.readBigUInt64BE(o)) : u32(o));
  const shoff = word(is64 ? 0x28 : 0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  const shstrndx = u16(is64 ? 0x3e : 0x32);
  const section = (i: number) => {
    const base = shoff + i * shentsize;
    return {
      name: u32(base),
      offset: word(base + (is64 ? 0x18 : 0x10)),
      size: word(base + (is64 ? 0x20 : 0x14)),
    };
  };
  const strtab = section(shstrndx);
  const info = new Map<string, string[]>();
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    const at = strtab.offset + s.name;
    const secName = elf.toString("latin1", at, elf.indexOf(0, at));
    if (secName !== ".modinfo") continue;
    for (const entry of elf.toString("utf8", s.offset, s.offset + s.size).split("\0")) {
      const eq = entry.indexOf("=");
      if (eq <= 0) continue;
      const key = entry.slice(0, eq);
      info.set(key, [...(info.get(key) ?? []), entry.slice(eq + 1)]);
    }
  }
  return info;
}
