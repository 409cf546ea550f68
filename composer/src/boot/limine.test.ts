import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BrokkrError } from "../errors.ts";
import { resolveSettings } from "../settings/index.ts";
import {
  detectLimineVersion,
  findLimineDir,
  installLimineBios,
  loadLimine,
  parseHddHeader,
  writeLimineConfig,
} from "./limine.ts";

const entry = { title: "minimal", kernelPath: "vmlinuz", modulePaths: ["initrd.img"], cmdline: "console=ttyS0,115200 quiet" };

/** A fake binary release: banners where Limine keeps them, an HDD image of 3.5 sectors of stage 2. */
function fakeRelease(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), "brokkr-limine-"));
  const banner = (arch: string) => Buffer.concat([Buffer.alloc(64, 0x90), Buffer.from(`Limine ${version} (${arch}, UEFI)\0`)]);
  writeFileSync(join(dir, "BOOTX64.EFI"), banner("x86-64"));
  writeFileSync(join(dir, "BOOTAA64.EFI"), banner("aarch64"));
  writeFileSync(join(dir, "limine-bios.sys"), Buffer.from(`Limine ${version} (x86-64, BIOS)`));
  const hdd = Buffer.alloc(512 + 1792, 0xab);
  const bytes = [...hdd].map((b) => `0x${b.toString(16)}`).join(", ");
  writeFileSync(join(dir, "limine-bios-hdd.h"), `const uint8_t binary_limine_hdd_bin_data[] = {\n    ${bytes}\n};\n`);
  return dir;
}

test("the version comes from the banner inside the binary", () => {
  const v = detectLimineVersion(Buffer.from("\0\0Limine 8.2.0 (x86-64, UEFI)\0"));
  assert.deepEqual(v, { major: 8, minor: 2, patch: 0, text: "8.2.0" });
  assert.equal(detectLimineVersion(Buffer.from("Limine 10.3")).text, "10.3.0");
  assert.throws(() => detectLimineVersion(Buffer.from("GRUB 2.12")), (e: unknown) => e instanceof BrokkrError && e.code === "boot.limine-missing");
});

test("v8 config: kernel_path, module_path, cmdline, timeout 0, serial", () => {
  const conf = writeLimineConfig(detectLimineVersion(Buffer.from("Limine 8.2.0")), entry);
  assert.equal(
    conf,
    [
      "timeout: 0",
      "serial: yes",
      "",
      "/minimal",
      "    protocol: linux",
      "    kernel_path: boot():/vmlinuz",
      "    module_path: boot():/initrd.img",
      "    cmdline: console=ttyS0,115200 quiet",
      "",
    ].join("\n"),
  );
});

test("v9 and newer config: the kernel key is path", () => {
  const v10 = detectLimineVersion(Buffer.from("Limine 10.1.0"));
  const conf = writeLimineConfig(v10, entry);
  assert.match(conf, /^ {4}path: boot\(\):\/vmlinuz$/m);
  assert.doesNotMatch(conf, /kernel_path/);
  // A newline in a value would start a key of its own: refused, never written.
  assert.throws(() => writeLimineConfig(v10, { ...entry, cmdline: "a\nb" }), /not safe in a limine.conf value/);
});

test("BIOS install: stage 1 told where both halves of stage 2 are", () => {
  const hdd = Buffer.alloc(512 + 5 * 512 - 100, 0x11);
  hdd.fill(0x22, 512);
  const { mbrBootCode, stage2 } = installLimineBios(hdd, 98304);
  assert.equal(mbrBootCode.length, 440);
  assert.equal(stage2.length, hdd.length - 512);
  assert.ok(stage2.every((b) => b === 0x22));
  assert.equal(mbrBootCode.readUInt16LE(0x1a4), 3 * 512, "half A: the larger half of 5 sectors");
  assert.equal(mbrBootCode.readUInt16LE(0x1a6), 2 * 512);
  assert.equal(mbrBootCode.readBigUInt64LE(0x1a8), 98304n * 512n);
  assert.equal(mbrBootCode.readBigUInt64LE(0x1b0), 98304n * 512n + 3n * 512n, "half B follows A");
  assert.ok(mbrBootCode.subarray(218, 224).every((b) => b === 0), "the disk timestamp is not Limine's");
  assert.equal(mbrBootCode[0], 0x11);
});

test("loads a release directory: EFI binary, version, BIOS files from the C header", () => {
  const dir = fakeRelease("9.3.1");
  const uefi = loadLimine({ arch: "aarch64", firmware: "uefi", dir });
  assert.equal(uefi.version.text, "9.3.1");
  assert.equal(uefi.bios, undefined);
  const bios = loadLimine({ arch: "x86_64", firmware: "bios", dir });
  assert.equal(bios.bios?.hdd.length, 512 + 1792);
  assert.equal(bios.bios?.hdd[100], 0xab);
  assert.match(bios.bios?.sys.toString() ?? "", /BIOS/);
  assert.equal(bios.bios?.cd, undefined, "the CD image only for an ISO");
  assert.throws(
    () => loadLimine({ arch: "x86_64", firmware: "bios", dir, iso: true }),
    (e: unknown) => e instanceof BrokkrError && e.code === "boot.limine-missing" && /limine-bios-cd\.bin/.test(e.message),
  );
  writeFileSync(join(dir, "limine-bios-cd.bin"), Buffer.alloc(4096, 0xcd));
  assert.equal(loadLimine({ arch: "x86_64", firmware: "bios", dir, iso: true }).bios?.cd?.length, 4096);
  assert.equal(loadLimine({ arch: "x86_64", firmware: "uefi", dir, iso: true }).bios, undefined, "UEFI ISOs need no BIOS files");
});

test("a missing file or an old Limine fails at once, naming BROKKR_LIMINE_DIR", () => {
  const dir = fakeRelease("8.2.0");
  assert.throws(
    () => loadLimine({ arch: "riscv64", firmware: "uefi", dir }),
    (e: unknown) =>
      e instanceof BrokkrError && e.code === "boot.limine-missing" && /BOOTRISCV64\.EFI/.test(e.message) && /BROKKR_LIMINE_DIR/.test(e.hint ?? ""),
  );
  assert.throws(
    () => loadLimine({ arch: "x86_64", firmware: "uefi", dir: fakeRelease("7.13.3") }),
    (e: unknown) => e instanceof BrokkrError && /too old/.test(e.message),
  );
  assert.equal(findLimineDir(resolveSettings({})), "/usr/share/limine");
  assert.equal(findLimineDir(resolveSettings({ BROKKR_LIMINE_DIR: dir })), dir);
});

test("a header without an array is refused", () => {
  assert.throws(() => parseHddHeader("/* nothing */"), (e: unknown) => e instanceof BrokkrError && e.code === "boot.limine-missing");
});
