import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { BrokkrError } from "../errors.ts";
import {
  detectQemuVersion,
  findFirmware,
  findQemuBinary,
  machineArgsFor,
  parseQemuVersion,
  prepareMachine,
  type QemuVersion,
} from "./firmware.ts";

const qemu72: QemuVersion = { major: 7, minor: 2, micro: 22, text: "QEMU emulator version 7.2.22" };
const qemu10: QemuVersion = { major: 10, minor: 0, micro: 2, text: "QEMU emulator version 10.0.2" };
let root = "";

before(async () => {
  root = await mkdtemp(join(tmpdir(), "brokkr-fw-test-"));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function touch(path: string): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, "");
}

function missing(fn: () => unknown): BrokkrError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof BrokkrError, String(err));
    return err;
  }
  assert.fail("expected a BrokkrError");
}

test("a missing QEMU binary names the Debian package per arch", () => {
  const empty = [join(root, "no-bin")];
  const cases = [
    ["x86_64", "qemu-system-x86"],
    ["aarch64", "qemu-system-arm"],
    ["riscv64", "qemu-system-misc"],
  ] as const;
  for (const [arch, pkg] of cases) {
    const err = missing(() => findQemuBinary(arch, { path: empty }));
    assert.equal(err.code, "qemu.missing");
    assert.match(err.hint ?? "", new RegExp(`\\b${pkg}\\b`));
  }
});

test("the QEMU binary is found in the search path, only when executable", async () => {
  const bin = join(root, "bin");
  await touch(join(bin, "qemu-system-aarch64"));
  assert.equal(missing(() => findQemuBinary("aarch64", { path: [bin] })).code, "qemu.missing");
  await chmod(join(bin, "qemu-system-aarch64"), 0o755);
  assert.equal(findQemuBinary("aarch64", { path: [join(root, "x"), bin] }), join(bin, "qemu-system-aarch64"));
});

test("missing UEFI firmware names ovmf / qemu-efi-aarch64 / u-boot-qemu", () => {
  const search = { shareDir: join(root, "empty-share"), uBootDir: join(root, "empty-uboot") };
  const cases = [
    ["x86_64", /\bovmf\b/],
    ["aarch64", /\bqemu-efi-aarch64\b/],
    ["riscv64", /\bu-boot-qemu\b/],
  ] as const;
  for (const [arch, hint] of cases) {
    const err = missing(() => findFirmware(arch, "uefi", qemu10, search));
    assert.equal(err.code, "qemu.missing");
    assert.match(err.hint ?? "", hint);
  }
});

test("BIOS is x86_64 only; on x86_64 it needs no files", () => {
  assert.deepEqual(findFirmware("x86_64", "bios", qemu72, { shareDir: join(root, "none") }), {
    kind: "builtin",
  });
  assert.equal(missing(() => findFirmware("aarch64", "bios", qemu72)).code, "qemu.unsupported");
});

test("aarch64 finds AAVMF code and vars", async () => {
  const share = join(root, "share-arm");
  await touch(join(share, "AAVMF", "AAVMF_CODE.fd"));
  assert.match(
    missing(() => findFirmware("aarch64", "uefi", qemu72, { shareDir: share })).message,
    /AAVMF_VARS/,
  );
  await touch(join(share, "AAVMF", "AAVMF_VARS.fd"));
  assert.deepEqual(findFirmware("aarch64", "uefi", qemu72, { shareDir: share }), {
    kind: "pflash",
    code: join(share, "AAVMF", "AAVMF_CODE.fd"),
    vars: join(share, "AAVMF", "AAVMF_VARS.fd"),
  });
});

test("riscv64 uses EDK2 on QEMU 8+, U-Boot on older QEMU, and says why when neither works", async () => {
  const share = join(root, "share-rv");
  const uBootDir = join(root, "u-boot");
  await touch(join(share, "qemu-efi-riscv64", "RISCV_VIRT_CODE.fd"));
  await touch(join(share, "qemu-efi-riscv64", "RISCV_VIRT_VARS.fd"));
  assert.equal(findFirmware("riscv64", "uefi", qemu10, { shareDir: share, uBootDir }).kind, "pflash");
  const err = missing(() => findFirmware("riscv64", "uefi", qemu72, { shareDir: share, uBootDir }));
  assert.match(err.message, /needs QEMU 8/);
  assert.match(err.hint ?? "", /u-boot-qemu/);
  await touch(join(uBootDir, "qemu-riscv64_smode", "u-boot.bin"));
  assert.deepEqual(findFirmware("riscv64", "uefi", qemu72, { shareDir: share, uBootDir }), {
    kind: "kernel",
    kernel: join(uBootDir, "qemu-riscv64_smode", "u-boot.bin"),
  });
});

test("machine arguments per arch, with a CPU override", () => {
  assert.deepEqual(machineArgsFor("x86_64"), ["-M", "q35", "-cpu", "max"]);
  assert.deepEqual(machineArgsFor("x86_64", "max,-smap"), ["-M", "q35", "-cpu", "max,-smap"]);
  assert.deepEqual(machineArgsFor("aarch64"), ["-M", "virt", "-cpu", "max,pauth-impdef=on"]);
  assert.deepEqual(machineArgsFor("riscv64"), ["-M", "virt"]);
});

test("parseQemuVersion reads Debian's version line", () => {
  const v = parseQemuVersion(
    "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright ...\n",
  );
  assert.deepEqual([v.major, v.minor, v.micro], [7, 2, 22]);
  assert.throws(() => parseQemuVersion("nonsense"), /cannot read the QEMU version/);
});

const hasX86 = existsSync("/usr/bin/qemu-system-x86_64");
const hasOvmf = existsSync("/usr/share/OVMF/OVMF_CODE_4M.fd");

test("the installed x86_64 QEMU and OVMF are found, and VARS is a private copy", async (t) => {
  if (!hasX86 || !hasOvmf) return t.skip("qemu-system-x86 or ovmf is not installed");
  const v = await detectQemuVersion(findQemuBinary("x86_64"));
  assert.ok(v.major >= 7, v.text);
  const m = await prepareMachine("x86_64", "uefi");
  try {
    assert.ok(m.tempDir !== undefined);
    assert.ok(
      m.args.includes("if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"),
    );
    const varsArg = m.args.find((a) => a.startsWith("if=pflash,format=raw,unit=1,"));
    assert.equal(varsArg, `if=pflash,format=raw,unit=1,file=${join(m.tempDir, "vars.fd")}`);
    assert.ok(existsSync(join(m.tempDir, "vars.fd")));
  } finally {
    if (m.tempDir) await rm(m.tempDir, { recursive: true, force: true });
  }
});
