import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BrokkrError } from "../errors.ts";
import {
  alignUp,
  appendSections,
  createPe,
  type NewSection,
  PE32_MAGIC,
  PE32PLUS_MAGIC,
  parsePe,
  readSection,
  SCN_CNT_CODE,
  SCN_CNT_INITIALIZED_DATA,
  SCN_MEM_EXECUTE,
  SCN_MEM_READ,
} from "./pe.ts";

const dir = mkdtempSync(join(tmpdir(), "brokkr-pe-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const hasObjdump = spawnSync("objdump", ["--version"]).status === 0;
const DATA = SCN_CNT_INITIALIZED_DATA | SCN_MEM_READ;

/**
 * A PE32+ EFI application written byte by byte, independent of pe.ts: headers in 0x400 bytes
 * (room for 16 section headers), one `.text` section holding `ret` at RVA 0x1000, file 0x400.
 */
function handBuiltPe32Plus(): Buffer {
  const buf = Buffer.alloc(0x600);
  buf.write("MZ", 0, "latin1");
  buf.writeUInt32LE(0x80, 0x3c);
  buf.write("PE\0\0", 0x80, "latin1");
  buf.writeUInt16LE(0x8664, 0x84); // Machine
  buf.writeUInt16LE(1, 0x86); // NumberOfSections
  buf.writeUInt16LE(240, 0x94); // SizeOfOptionalHeader
  buf.writeUInt16LE(0x22e, 0x96);
  const opt = 0x98;
  buf.writeUInt16LE(0x20b, opt);
  buf.writeUInt32LE(0x200, opt + 4); // SizeOfCode
  buf.writeUInt32LE(0x1000, opt + 16); // AddressOfEntryPoint
  buf.writeUInt32LE(0x1000, opt + 20); // BaseOfCode
  buf.writeBigUInt64LE(0x140000000n, opt + 24); // ImageBase
  buf.writeUInt32LE(0x1000, opt + 32); // SectionAlignment
  buf.writeUInt32LE(0x200, opt + 36); // FileAlignment
  buf.writeUInt32LE(0x2000, opt + 56); // SizeOfImage
  buf.writeUInt32LE(0x400, opt + 60); // SizeOfHeaders
  buf.writeUInt16LE(10, opt + 68); // Subsystem: EFI application
  buf.writeUInt32LE(16, opt + 108); // NumberOfRvaAndSizes
  const sec = opt + 240;
  buf.write(".text", sec, "latin1");
  buf.writeUInt32LE(1, sec + 8); // VirtualSize
  buf.writeUInt32LE(0x1000, sec + 12); // VirtualAddress
  buf.writeUInt32LE(0x200, sec + 16); // SizeOfRawData
  buf.writeUInt32LE(0x400, sec + 20); // PointerToRawData
  buf.writeUInt32LE(0x60000020, sec + 36);
  buf[0x400] = 0xc3;
  return buf;
}

interface DumpedSection {
  name: string;
  size: number;
  vma: bigint;
  offset: number;
}

function objdump(flag: string, file: string): string {
  const r = spawnSync("objdump", [flag, file], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "", "objdump printed warnings");
  return r.stdout;
}

function dumpSections(file: string): DumpedSection[] {
  const out: DumpedSection[] = [];
  for (const m of objdump("-h", file).matchAll(
    /^\s*\d+\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)/gm,
  )) {
    out.push({
      name: m[1]!,
      size: Number.parseInt(m[2]!, 16),
      vma: BigInt(`0x${m[3]}`),
      offset: Number.parseInt(m[4]!, 16),
    });
  }
  return out;
}

function dumpHeaderField(file: string, field: string): number {
  const m = objdump("-p", file).match(new RegExp(`^${field}\\s+([0-9a-f]+)`, "m"));
  assert.ok(m, `objdump -p shows no ${field}`);
  return Number.parseInt(m[1]!, 16);
}

function expectPeInvalid(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof BrokkrError);
    assert.equal(err.code, "boot.pe-invalid");
    assert.match(err.message, pattern);
    return true;
  });
}

test("parsePe reads the headers of a hand-built PE32+", () => {
  const pe = parsePe(handBuiltPe32Plus());
  assert.equal(pe.machine, 0x8664);
  assert.equal(pe.magic, PE32PLUS_MAGIC);
  assert.equal(pe.imageBase, 0x140000000n);
  assert.equal(pe.sectionAlignment, 0x1000);
  assert.equal(pe.fileAlignment, 0x200);
  assert.equal(pe.sizeOfImage, 0x2000);
  assert.equal(pe.sizeOfHeaders, 0x400);
  assert.equal(pe.subsystem, 10);
  assert.equal(pe.certificateSize, 0);
  assert.deepEqual(pe.sections, [
    {
      name: ".text",
      virtualSize: 1,
      virtualAddress: 0x1000,
      sizeOfRawData: 0x200,
      pointerToRawData: 0x400,
      characteristics: 0x60000020,
    },
  ]);
  assert.deepEqual([...readSection(handBuiltPe32Plus(), pe.sections[0]!)], [0xc3]);
});

test("appended sections are where objdump finds them, with the bytes given", {
  skip: !hasObjdump && "objdump not installed",
}, () => {
  const base = handBuiltPe32Plus();
  const add: NewSection[] = [
    { name: ".alpha", data: Buffer.alloc(1000, 0xa1), characteristics: DATA },
    { name: ".beta", data: Buffer.alloc(0x200, 0xb2), characteristics: DATA },
    {
      name: ".gamma",
      data: Buffer.alloc(300, 0xc3),
      characteristics: SCN_CNT_CODE | SCN_MEM_READ,
      virtualSize: 0x3000,
    },
  ];
  const result = appendSections(base, add);
  const image = Buffer.concat(result.chunks);
  assert.equal(result.size, image.length);
  assert.ok(result.chunks.includes(add[0]!.data), "section data is passed through, not copied");
  const file = join(dir, "appended.efi");
  writeFileSync(file, image);

  const dumped = dumpSections(file);
  assert.deepEqual(
    dumped.map((s) => s.name),
    [".text", ".alpha", ".beta", ".gamma"],
  );
  // Expected layout: data right after the old end of file, addresses after SizeOfImage (0x2000).
  const expected = [
    { va: 0x2000, offset: 0x600, virtualSize: 1000 },
    { va: 0x3000, offset: 0xa00, virtualSize: 0x200 },
    { va: 0x4000, offset: 0xc00, virtualSize: 0x3000 },
  ];
  expected.forEach((e, i) => {
    const d = dumped[i + 1]!;
    const data = add[i]!.data;
    // objdump shows the smaller of VirtualSize and SizeOfRawData.
    assert.equal(d.size, Math.min(e.virtualSize, alignUp(data.length, 0x200)), d.name);
    assert.equal(d.vma, 0x140000000n + BigInt(e.va), d.name);
    assert.equal(d.offset, e.offset, d.name);
    assert.equal(d.offset % 0x200, 0);
    const back = readFileSync(file).subarray(d.offset, d.offset + data.length);
    assert.ok(back.equals(data), `${d.name} bytes read back`);
  });
  assert.equal(dumped[0]!.offset, 0x400, "the existing section did not move");
  assert.equal(dumpHeaderField(file, "SizeOfImage"), 0x7000);
  assert.equal(dumpHeaderField(file, "SizeOfHeaders"), 0x400);
  assert.equal(dumpHeaderField(file, "SizeOfCode"), 0x400);
  assert.equal(dumpHeaderField(file, "SizeOfInitializedData"), 0x600);
  assert.equal(dumpHeaderField(file, "CheckSum"), 0);

  const reparsed = parsePe(image);
  assert.deepEqual(reparsed.sections.slice(1), result.sections);
  assert.equal(reparsed.sections[3]!.virtualSize, 0x3000);
});

test("createPe writes PE32+ and PE32 images objdump accepts", {
  skip: !hasObjdump && "objdump not installed",
}, () => {
  for (const [magic, format, machine] of [
    [PE32PLUS_MAGIC, "pei-x86-64", 0x8664],
    [PE32_MAGIC, "pei-i386", 0x14c],
  ] as const) {
    const text = Buffer.from([0xc3]);
    const image = createPe({
      machine,
      magic,
      imageBase: 0x400000n,
      sections: [
        { name: ".text", data: text, characteristics: SCN_CNT_CODE | SCN_MEM_READ | SCN_MEM_EXECUTE },
      ],
    });
    const file = join(dir, `created-${magic}.efi`);
    writeFileSync(file, image);
    assert.match(objdump("-h", file), new RegExp(`file format ${format}`));
    const [only] = dumpSections(file);
    assert.equal(only?.name, ".text");
    assert.equal(only?.vma, 0x400000n + 0x1000n);
    assert.equal(image[only!.offset], 0xc3);
    const pe = parsePe(image);
    assert.equal(pe.magic, magic);
    assert.equal(pe.imageBase, 0x400000n);
    assert.equal(pe.sizeOfImage, 0x2000);
  }
});

test("parsePe rejects malformed images with boot.pe-invalid", () => {
  expectPeInvalid(() => parsePe(Buffer.from("not a PE at all, just some text.".repeat(3))), /no MZ/);
  const noSignature = handBuiltPe32Plus();
  noSignature.write("XX", 0x80, "latin1");
  expectPeInvalid(() => parsePe(noSignature), /no PE signature/);
  const badMagic = handBuiltPe32Plus();
  badMagic.writeUInt16LE(0x30b, 0x98);
  expectPeInvalid(() => parsePe(badMagic), /magic 0x30b/);
  const manySections = handBuiltPe32Plus();
  manySections.writeUInt16LE(100, 0x86);
  expectPeInvalid(() => parsePe(manySections), /section table runs past/);
  const badAlignment = handBuiltPe32Plus();
  badAlignment.writeUInt32LE(0x300, 0x98 + 36);
  expectPeInvalid(() => parsePe(badAlignment), /powers of two/);
  expectPeInvalid(() => parsePe(handBuiltPe32Plus().subarray(0, 0x90)), /past the end/);
});

test("appendSections refuses what it cannot do safely", () => {
  const one = (name: string): NewSection => ({ name, data: Buffer.from("x"), characteristics: DATA });

  // One header ends at 0x1b0 and the first section starts at 0x400: room for 14 more, not 15.
  const fifteen = Array.from({ length: 15 }, (_, i) => one(`.s${i}`));
  expectPeInvalid(
    () => appendSections(handBuiltPe32Plus(), fifteen),
    /no room for 15 more section headers \(14 free/,
  );
  assert.equal(appendSections(handBuiltPe32Plus(), fifteen.slice(0, 14)).sections.length, 14);

  const signed = handBuiltPe32Plus();
  signed.writeUInt32LE(0x600, 0x98 + 112 + 4 * 8);
  signed.writeUInt32LE(0x100, 0x98 + 112 + 4 * 8 + 4);
  expectPeInvalid(() => appendSections(signed, [one(".a")]), /signed/);

  const busy = handBuiltPe32Plus();
  busy[0x98 + 240 + 40 + 3] = 1; // a stray byte in the first free header slot
  expectPeInvalid(() => appendSections(busy, [one(".a")]), /not empty/);

  assert.throws(() => appendSections(handBuiltPe32Plus(), [one(".muchtoolong")]), /1-8 printable ASCII/);
});
