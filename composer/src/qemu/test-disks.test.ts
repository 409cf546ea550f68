import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { efiMarkerApp, mbrMarkerSector } from "./test-disks.ts";

const run = promisify(execFile);

test("the MBR sector carries the marker where the code points, and the boot signature", () => {
  const s = mbrMarkerSector("HELLO");
  assert.equal(s.length, 512);
  const si = s.readUInt16LE(6) - 0x7c00; // operand of `mov si, imm16`
  assert.equal(s.subarray(si, si + 8).toString("latin1"), "HELLO\r\n\0");
  assert.deepEqual([s[510], s[511]], [0x55, 0xaa]);
});

test("the EFI app is a PE32+ EFI application that objdump reads", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "brokkr-efi-app-"));
  try {
    const file = join(dir, "app.efi");
    await writeFile(file, efiMarkerApp("HELLO"));
    let out: string;
    try {
      ({ stdout: out } = await run("objdump", ["-p", file]));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT")
        return t.skip("objdump (binutils) is not installed");
      throw err;
    }
    assert.match(out, /file format pei-x86-64/);
    assert.match(out, /Magic\s+020b\s+\(PE32\+\)/);
    assert.match(out, /Subsystem\s+0000000a\s+\(EFI application\)/);
    assert.match(out, /AddressOfEntryPoint\s+0+1000/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("markers must be printable ASCII", () => {
  assert.throws(() => mbrMarkerSector("bad\nmarker"), /printable ASCII/);
});
