import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BrokkrError } from "../errors.ts";
import { getSettings } from "../settings/index.ts";
import {
  alignUp,
  createPe,
  parsePe,
  SCN_CNT_CODE,
  SCN_CNT_INITIALIZED_DATA,
  SCN_MEM_EXECUTE,
  SCN_MEM_READ,
} from "./pe.ts";
import { buildUki, type UkiInput, ukiSize } from "./uki.ts";

const dir = mkdtempSync(join(tmpdir(), "brokkr-uki-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const hasObjdump = spawnSync("objdump", ["--version"]).status === 0;
const X64 = 0x8664;

/** Stands in for systemd-stub: code, data and a few free header slots, like the real one. */
function fakeStub(machine = X64, subsystem = 10): Buffer {
  return createPe({
    machine,
    subsystem,
    headerSlots: 14,
    sections: [
      {
        name: ".text",
        data: Buffer.alloc(5000, 0x90),
        characteristics: SCN_CNT_CODE | SCN_MEM_READ | SCN_MEM_EXECUTE,
      },
      {
        name: ".sdmagic",
        data: Buffer.from("#### LoaderInfo: systemd-stub ####"),
        characteristics: SCN_CNT_INITIALIZED_DATA | SCN_MEM_READ,
      },
    ],
  });
}

/** An EFI-stub kernel stand-in whose SizeOfImage is larger than the file (room to decompress). */
function fakeKernel(machine = X64): Buffer {
  return createPe({
    machine,
    sections: [
      {
        name: ".text",
        data: Buffer.alloc(70_000, 0xcc),
        characteristics: SCN_CNT_CODE | SCN_MEM_READ,
        virtualSize: 0x40000,
      },
    ],
  });
}

/** Deterministic bytes that are not all the same, so misplaced data shows. */
function pattern(length: number, seed: number): Buffer {
  const buf = Buffer.alloc(alignUp(length, 4));
  for (let i = 0; i < length; i += 4) buf.writeUInt32LE((Math.imul(i + seed, 2654435761) ^ seed) >>> 0, i);
  return buf.subarray(0, length);
}

function input(overrides: Partial<UkiInput> = {}): UkiInput {
  return {
    stub: fakeStub(),
    osRelease: 'ID=debian\nPRETTY_NAME="Brokkr test"\n',
    cmdline: "console=ttyS0 quiet",
    linux: fakeKernel(),
    initrd: pattern(1_000_003, 7),
    splash: Buffer.concat([Buffer.from("BM"), pattern(998, 3)]),
    uname: "6.12.0-test-amd64",
    ...overrides,
  };
}

interface DumpedSection {
  name: string;
  size: number;
  vma: bigint;
  offset: number;
}

function dumpSections(file: string): DumpedSection[] {
  const r = spawnSync("objdump", ["-h", file], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "", "objdump printed warnings");
  const out: DumpedSection[] = [];
  for (const m of r.stdout.matchAll(
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

function privateHeaders(file: string): string {
  const r = spawnSync("objdump", ["-p", file], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "", "objdump printed warnings");
  return r.stdout;
}

/** Checks a written UKI with objdump against the inputs: order, layout, sizes and bytes. */
function checkUki(file: string, opts: UkiInput): void {
  const image = readFileSync(file);
  const stub = parsePe(opts.stub);
  const uki = parsePe(image);
  const dumped = dumpSections(file);
  const wanted: [string, Buffer][] = [
    [".osrel", Buffer.from(opts.osRelease)],
    [".cmdline", Buffer.from(opts.cmdline)],
    [".uname", Buffer.from(opts.uname ?? "")],
    [".splash", opts.splash ?? Buffer.alloc(0)],
    [".initrd", opts.initrd],
    [".linux", opts.linux],
  ];
  const present = wanted.filter(([, data]) => data.length > 0);
  assert.deepEqual(
    dumped.map((s) => s.name),
    [...stub.sections.map((s) => s.name), ...present.map(([name]) => name)],
  );

  // The stub's own sections are untouched, in the headers and in the file.
  stub.sections.forEach((s, i) => {
    assert.deepEqual(uki.sections[i], s);
    const d = dumped[i]!;
    assert.equal(d.offset, s.pointerToRawData);
    assert.ok(
      image
        .subarray(s.pointerToRawData, s.pointerToRawData + s.sizeOfRawData)
        .equals(opts.stub.subarray(s.pointerToRawData, s.pointerToRawData + s.sizeOfRawData)),
    );
  });

  let endVa = stub.sizeOfImage;
  let endFile = opts.stub.length;
  present.forEach(([name, data], i) => {
    const d = dumped[stub.sections.length + i]!;
    const h = uki.sections[stub.sections.length + i]!;
    const rawSize = alignUp(data.length, uki.fileAlignment);
    assert.equal(d.name, name);
    assert.equal(h.sizeOfRawData, rawSize, name);
    assert.equal(d.offset % uki.fileAlignment, 0, `${name} file offset aligned`);
    assert.ok(d.offset >= endFile, `${name} starts after the previous data`);
    assert.equal((d.vma - uki.imageBase) % BigInt(uki.sectionAlignment), 0n, `${name} address aligned`);
    assert.ok(d.vma - uki.imageBase >= BigInt(endVa), `${name} does not overlap in memory`);
    const virtualSize = name === ".linux" ? Math.max(data.length, parsePe(data).sizeOfImage) : data.length;
    assert.equal(h.virtualSize, virtualSize, name);
    assert.equal(d.size, Math.min(virtualSize, rawSize), `${name} size as objdump sees it`);
    assert.equal(h.characteristics, name === ".linux" ? 0x40000020 : 0x40000040, name);
    assert.ok(image.subarray(d.offset, d.offset + data.length).equals(data), `${name} bytes read back`);
    assert.ok(
      image.subarray(d.offset + data.length, d.offset + rawSize).every((b) => b === 0),
      `${name} padding`,
    );
    endVa = h.virtualAddress + h.virtualSize;
    endFile = d.offset + rawSize;
  });
  assert.equal(image.length, endFile, "the file ends with the last section");

  const p = privateHeaders(file);
  assert.match(p, /Subsystem\s+0000000a\s+\(EFI application\)/);
  assert.match(p, new RegExp(`SizeOfImage\\s+0*${alignUp(endVa, uki.sectionAlignment).toString(16)}\\n`));
  assert.match(p, /CheckSum\s+0+\n/);
}

test("buildUki appends the UKI sections after the stub's, .linux last", {
  skip: !hasObjdump && "objdump not installed",
}, () => {
  const opts = input();
  const chunks = buildUki(opts);
  assert.ok(chunks.includes(opts.initrd), "the initrd is written by reference, not copied");
  assert.ok(chunks.includes(opts.linux), "the kernel is written by reference, not copied");
  const file = join(dir, "fake.efi");
  writeFileSync(file, Buffer.concat(chunks));
  assert.equal(ukiSize(chunks), readFileSync(file).length);
  checkUki(file, opts);
});

test("empty optional inputs get no section", { skip: !hasObjdump && "objdump not installed" }, () => {
  const opts = input({ cmdline: "", uname: undefined, splash: undefined });
  const file = join(dir, "minimal.efi");
  writeFileSync(file, Buffer.concat(buildUki(opts)));
  assert.deepEqual(
    dumpSections(file).map((s) => s.name),
    [".text", ".sdmagic", ".osrel", ".initrd", ".linux"],
  );
  checkUki(file, opts);
});

test("buildUki rejects stubs and kernels that cannot make a UKI", () => {
  const rejects = (opts: UkiInput, pattern: RegExp) =>
    assert.throws(
      () => buildUki(opts),
      (err: unknown) =>
        err instanceof BrokkrError && err.code === "boot.pe-invalid" && pattern.test(err.message),
    );
  rejects(input({ linux: fakeKernel(0xaa64) }), /kernel machine 0xaa64 does not match the stub's 0x8664/);
  rejects(input({ linux: Buffer.alloc(4096, 0x1f) }), /kernel image: no MZ/);
  rejects(input({ stub: fakeStub(X64, 3) }), /not an EFI application/);
  rejects(input({ stub: Buffer.concat(buildUki(input())) }), /already contains a \.linux section/);
  // A stub with no spare header slots: say so rather than produce a broken image.
  const full = createPe({
    machine: X64,
    headerSlots: 1,
    sections: [{ name: ".text", data: Buffer.from([0xc3]), characteristics: SCN_CNT_CODE | SCN_MEM_READ }],
  });
  rejects(input({ stub: full }), /no room for 6 more section headers/);
});

// With BROKKR_TEST_STUB=/path/to/linuxx64.efi.stub (and optionally BROKKR_TEST_KERNEL=vmlinuz)
// the same checks run on Debian's real systemd-stub.
const realStub = getSettings().testStub;
test("buildUki on the real systemd-stub", { skip: !hasObjdump && "objdump not installed" }, (t) => {
  if (!realStub) {
    t.skip("BROKKR_TEST_STUB is not set (path to linuxx64.efi.stub from systemd-boot-efi)");
    return;
  }
  const probe = spawnSync("objdump", ["-h", realStub], { encoding: "utf8" });
  if (probe.status !== 0) {
    // Plain binutils reads only the host's PE flavour; binutils-multiarch reads arm64/riscv64 too.
    t.skip(`objdump cannot read ${realStub}: ${probe.stderr.trim()} (install binutils-multiarch)`);
    return;
  }
  const stub = readFileSync(realStub);
  const kernelPath = getSettings().testKernel;
  const linux = kernelPath ? readFileSync(kernelPath) : fakeKernel(parsePe(stub).machine);
  const opts = input({ stub, linux });
  const file = join(dir, "real.efi");
  writeFileSync(file, Buffer.concat(buildUki(opts)));
  checkUki(file, opts);
  assert.ok(
    dumpSections(file).some((s) => s.name === ".sdmagic"),
    "it is systemd-stub",
  );
});
