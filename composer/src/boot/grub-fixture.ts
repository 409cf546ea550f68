// A synthetic GRUB i386-pc directory for the GRUB tests: a tiny kernel.img, a few modules with
// their moddep.lst, and boot sectors filled with marker bytes.

/** A 32-bit ELF like i386-pc/kernel.img: .text and .data at 0x9000, then .bss. */
function kernelElf(): Buffer {
  const text = Buffer.alloc(16, "T");
  const data = Buffer.alloc(8, "D");
  const shoff = 0x100;
  const elf = Buffer.alloc(shoff + 5 * 40);
  elf.writeUInt32BE(0x7f454c46, 0);
  elf[4] = 1; // ELFCLASS32
  elf[5] = 1;
  elf.writeUInt32LE(shoff, 0x20);
  elf.writeUInt16LE(40, 0x2e);
  elf.writeUInt16LE(5, 0x30);
  text.copy(elf, 0x80);
  data.copy(elf, 0x90);
  const section = (i: number, type: number, flags: number, addr: number, offset: number, size: number) => {
    const o = shoff + i * 40;
    elf.writeUInt32LE(type, o + 4);
    elf.writeUInt32LE(flags, o + 8);
    elf.writeUInt32LE(addr, o + 12);
    elf.writeUInt32LE(offset, o + 16);
    elf.writeUInt32LE(size, o + 20);
  };
  section(1, 1, 6, 0x9000, 0x80, 16); // .text: PROGBITS, alloc + exec
  section(2, 1, 3, 0x9010, 0x90, 8); // .data
  section(3, 8, 3, 0x9018, 0, 64); // .bss: NOBITS
  section(4, 3, 0, 0, 0x98, 4); // a string table: not loaded
  return elf;
}

export function pcDir(): Map<string, Buffer> {
  const dir = new Map<string, Buffer>();
  dir.set("kernel.img", kernelElf());
  dir.set(
    "moddep.lst",
    Buffer.from(
      "multiboot2: relocator boot\nrelocator: mmap\nmmap: boot\nboot:\nfat: fshelp\nfshelp:\nbiosdisk:\n" +
        "iso9660: fshelp\nloopback:\nserial: terminal\nterminal:\necho:\n",
    ),
  );
  const modules = ["multiboot2", "relocator", "mmap", "boot", "fat", "fshelp", "biosdisk", "iso9660", "loopback", "serial", "terminal", "echo"];
  for (const m of modules) dir.set(`${m}.mod`, Buffer.from(`<${m}.mod>`));
  const decompressor = Buffer.alloc(96, 0xcc);
  decompressor.fill(0, 8, 16);
  dir.set("lzma_decompress.img", decompressor);
  const diskboot = Buffer.alloc(512, 0xdd);
  diskboot.writeUInt16LE(0x820 + 0x20, 510); // the segment grub-mkimage expects
  dir.set("diskboot.img", diskboot);
  const boot = Buffer.alloc(512, 0xbb);
  boot.writeUInt16LE(0xaa55, 510);
  dir.set("boot.img", boot);
  dir.set("cdboot.img", Buffer.alloc(2048, 0xcd));
  return dir;
}
