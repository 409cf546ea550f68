import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BrokkrError } from "../errors.ts";
import { type FatFile, MIN_CLUSTERS, writeFat32 } from "./fat32.ts";
import { checkFat, runTool } from "./test-helpers.ts";
import { goldenMismatch } from "../errata/goldens.ts";

const T = 1_700_000_000; // 2023-11-14 22:13:20 UTC
const MIB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), "brokkr-fat-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic non-repeating-looking data, filled from a 4093-byte (prime) block. */
function pattern(n: number, seed: number): Buffer {
  const block = Buffer.alloc(4093);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31 + seed) & 0xff;
  return Buffer.alloc(n, block);
}

const files: FatFile[] = [
  { path: "EFI/BOOT/BOOTX64.EFI", data: pattern(100_000, 1) },
  { path: "limine.conf", data: Buffer.from("timeout: 0\n") },
  { path: "initrd.img", data: pattern(5000, 2) },
  { path: "EMPTY.TXT", data: Buffer.alloc(0) },
  { path: "ONE.BIN", data: pattern(512, 3) },
  { path: "boot/grub/x86_64-efi/normal.mod", data: Buffer.from("mod") },
  { path: "boot/grub/grub.cfg", data: Buffer.from("set root=(hd0,gpt1)\n") },
  { path: "A long file name, with spaces and more than 26 characters.txt", data: Buffer.from("long") },
  { path: "verylongname1.txt", data: Buffer.from("1") },
  { path: "verylongname2.txt", data: Buffer.from("2") },
  { path: "exactly13.txt", data: Buffer.from("13 characters: one LFN entry, no terminator") },
];
const opts = { volumeId: 0x1234abcd, mtime: T, label: "brokkr esp" };
const image = writeFat32(files, opts);

function save(name: string, buf: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, buf);
  return path;
}

test("golden sha256 at a fixed mtime and volume id", () => {
  assert.equal(image.length, 33 * MIB);
  assert.equal(goldenMismatch("formats/fat32: a fixed mtime and volume id", image), undefined);
  assert.ok(writeFat32(files, opts).equals(image), "deterministic");
});

test("fsck.fat accepts the image: nested dirs, LFN, empty and one-cluster files", () => {
  const out = checkFat(save("esp.img", image));
  assert.match(out, /512 bytes per cluster/);
  assert.match(out, /Checking free cluster summary/);
  const clusters = Number(/(\d+) data clusters/.exec(out)?.[1]);
  assert.ok(clusters >= MIN_CLUSTERS, `${clusters} clusters`);
});

test("mtools reads every file back byte for byte", () => {
  const path = save("read.img", image);
  for (const f of files) {
    const r = runTool("mtype", ["-i", path, `::/${f.path}`]);
    assert.equal(r.status, 0, `${f.path}: ${r.stderr}`);
    assert.ok(r.stdout.equals(f.data), `${f.path} differs`);
  }
});

test("mdir shows long names, unique ~N aliases, the label and the timestamps", () => {
  const path = save("dir.img", image);
  const r = runTool("mdir", ["-i", path, "-/", "-a", "::"]);
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.toString();
  assert.match(out, /Volume in drive : is BROKKR ESP/);
  assert.match(out, /Volume Serial Number is 1234-ABCD/);
  assert.match(out, /^LIMINE~1 CON +11 2023-11-14 +22:13 +limine\.conf$/m);
  assert.match(out, /^INITRD~1 IMG +5000 .* initrd\.img$/m);
  assert.match(out, /^VERYLO~1 TXT +1 .* verylongname1\.txt$/m);
  assert.match(out, /^VERYLO~2 TXT +1 .* verylongname2\.txt$/m);
  assert.match(out, /^ALONGF~1 TXT .* A long file name, with spaces and more than 26 characters\.txt$/m);
  assert.match(out, /^BOOTX64 +EFI +100000 /m);
  assert.match(out, /^EMPTY +TXT +0 /m);
  assert.match(out, /^EXACTL~1 TXT .* exactly13\.txt$/m);
  assert.match(out, /Directory for ::\/boot\/grub\/x86_64-efi/);
});

test("a 64 MiB file: multi-cluster chain, size chosen with slack, read back", () => {
  const kernel = pattern(64 * MIB + 123, 7);
  const img = writeFat32([{ path: "EFI/BOOT/BOOTX64.EFI", data: kernel }], { volumeId: 1, mtime: T });
  assert.equal(img.length % MIB, 0);
  assert.ok(img.length > kernel.length + MIB && img.length < kernel.length * 1.05 + 2 * MIB, `${img.length}`);
  const path = save("big.img", img);
  checkFat(path);
  const r = runTool("mtype", ["-i", path, "::/EFI/BOOT/BOOTX64.EFI"]);
  assert.ok(r.stdout.equals(kernel));
});

test("volumes over 260 MB use 4 KiB clusters aligned to the cluster size", () => {
  const img = writeFat32(files, { ...opts, sizeBytes: 261 * MIB });
  assert.equal(img.length, 261 * MIB);
  const out = checkFat(save("4k.img", img));
  assert.match(out, /4096 bytes per cluster/);
  const dataStart = Number(/Data area starts at byte (\d+)/.exec(out)?.[1]);
  assert.equal(dataStart % 4096, 0);
  const r = runTool("mtype", ["-i", join(dir, "4k.img"), "::/EFI/BOOT/BOOTX64.EFI"]);
  assert.ok(r.stdout.equals(files[0]!.data));
});

test("rejects sizes that are too small and names FAT cannot hold", () => {
  const code = (c: string) => (e: unknown) => e instanceof BrokkrError && e.code === c;
  assert.throws(() => writeFat32(files, { ...opts, sizeBytes: 16 * MIB }), code("image.invalid"));
  const big = [{ path: "K", data: Buffer.alloc(40 * MIB) }];
  assert.throws(() => writeFat32(big, { ...opts, sizeBytes: 34 * MIB }), code("image.too-large"));
  const clash = [
    { path: "a.txt", data: Buffer.alloc(1) },
    { path: "A.TXT", data: Buffer.alloc(1) },
  ];
  assert.throws(() => writeFat32(clash, opts), code("image.invalid"));
  const fileAndDir = [
    { path: "EFI", data: Buffer.alloc(1) },
    { path: "EFI/x", data: Buffer.alloc(1) },
  ];
  assert.throws(() => writeFat32(fileAndDir, opts), code("image.invalid"));
  for (const bad of ["a?b", "/abs", "a//b", "trailing.", "x/../y"]) {
    assert.throws(() => writeFat32([{ path: bad, data: Buffer.alloc(1) }], opts), code("image.invalid"), bad);
  }
  assert.throws(() => writeFat32([], { ...opts, label: "has.dot" }), code("image.invalid"));
});
