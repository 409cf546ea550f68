import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { crc32 } from "node:zlib";
import { ukiBootScript, writeUbootScript } from "./uboot-script.ts";

const script = ukiBootScript("EFI/BOOT/BOOTRISCV64.EFI");

test("the script loads the UKI at ramdisk_addr_r and runs it with bootefi", () => {
  assert.match(script, /^load \$\{devtype\} \$\{devnum\}:\$\{distro_bootpart\} \$\{ramdisk_addr_r\} efi\/boot\/bootriscv64\.efi && bootefi \$\{ramdisk_addr_r\}$/m);
});

test("the image has a valid legacy header, length table and CRCs", () => {
  const img = writeUbootScript(script, { arch: "riscv64", mtime: 1_700_000_000 });
  assert.equal(img.readUInt32BE(0), 0x27051956);
  const header = Buffer.from(img.subarray(0, 64));
  const hcrc = header.readUInt32BE(4);
  header.writeUInt32BE(0, 4);
  assert.equal(crc32(header), hcrc, "header CRC");
  const data = img.subarray(64);
  assert.equal(img.readUInt32BE(12), data.length);
  assert.equal(img.readUInt32BE(24), crc32(data), "data CRC");
  assert.deepEqual([img[28], img[29], img[30], img[31]], [5, 26, 6, 0], "linux, riscv, script, none");
  assert.equal(data.readUInt32BE(0), Buffer.byteLength(script));
  assert.equal(data.readUInt32BE(4), 0);
  assert.equal(data.subarray(8).toString(), script);
  assert.deepEqual(writeUbootScript(script, { arch: "riscv64", mtime: 1_700_000_000 }), img, "reproducible");
});

test("byte for byte what U-Boot's mkimage -T script writes", (t) => {
  if (spawnSync("mkimage", ["-V"]).error) return t.skip("mkimage not installed (Debian package u-boot-tools)");
  const dir = mkdtempSync(join(tmpdir(), "brokkr-uboot-"));
  writeFileSync(join(dir, "script.txt"), script);
  const file = join(dir, "boot.scr");
  execFileSync(
    "mkimage",
    ["-A", "riscv", "-O", "linux", "-T", "script", "-C", "none", "-n", "brokkr boot script", "-d", join(dir, "script.txt"), file],
    { env: { ...process.env, SOURCE_DATE_EPOCH: "1700000000" }, stdio: "ignore" },
  );
  assert.deepEqual(writeUbootScript(script, { arch: "riscv64", mtime: 1_700_000_000 }), readFileSync(file));
  const listing = execFileSync("dumpimage", ["-l", file], { encoding: "utf8" });
  assert.match(listing, /Image Type: +RISC-V Linux Script \(uncompressed\)/);
});
