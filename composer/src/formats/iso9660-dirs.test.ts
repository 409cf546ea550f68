// Subdirectories in the ISO 9660 tree (files named by paths, as GRUB EFI's /EFI/DEBIAN/GRUB.CFG):
// xorriso reads the directory records back, the path tables are checked here against
// ECMA-119 §9.4, and the layout helpers agree with the writer. Flat volumes are unchanged (the
// golden hashes in iso9660.test.ts).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BrokkrError } from "../errors.ts";
import { writeFat32 } from "./fat32.ts";
import { biosImageBlock, efiImageSector, ISO_BLOCK, type IsoOptions, writeIso9660 } from "./iso9660.ts";
import { runTool } from "./test-helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "brokkr-iso-dirs-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const esp = writeFat32([{ path: "EFI/BOOT/BOOTX64.EFI", data: Buffer.alloc(3000, 0x5a) }], { label: "BROKKR", volumeId: 1, mtime: 0 });
const files = [
  { name: "README.TXT", data: Buffer.from("root\n") },
  { name: "EFI/DEBIAN/GRUB.CFG", data: Buffer.from("source $prefix/grub.cfg\n") },
  { name: "EFI/BOOT/NOTE", data: Buffer.alloc(5000, 0x41) },
  { name: "A/B/C/D.TXT", data: Buffer.from("deep\n") },
];
const opts: IsoOptions = {
  volumeId: "DIRS",
  mtime: 1_700_000_000,
  efiBootImage: esp,
  diskId: 1,
  files,
  biosBootImage: { name: "BIOS.BIN", data: Buffer.alloc(4096, 0x90), bootInfoTable: true },
};
const { chunks, layout } = writeIso9660(opts);
const bytes = Buffer.concat(chunks);
const path = join(dir, "dirs.iso");
writeFileSync(path, bytes);
const hasXorriso = spawnSync("xorriso", ["-version"]).error === undefined;

test("xorriso finds every file at its path with its contents", (t) => {
  if (!hasXorriso) return t.skip("xorriso is not installed (apt-get install xorriso)");
  const r = runTool("xorriso", ["-indev", path, "-find", "/", "-exec", "lsdl"]);
  assert.equal(r.status, 0, r.stderr);
  const listing = r.stdout.toString();
  for (const d of ["/EFI", "/EFI/BOOT", "/EFI/DEBIAN", "/A", "/A/B", "/A/B/C"]) assert.match(listing, new RegExp(`^d.*'${d}'$`, "m"), d);
  for (const f of files) {
    assert.match(listing, new RegExp(`^-.* ${f.data.length} .*'/${f.name}'$`, "m"), f.name);
    const out = join(dir, f.name.replaceAll("/", "_"));
    assert.equal(runTool("xorriso", ["-osirrox", "on", "-indev", path, "-extract", `/${f.name}`, out]).status, 0);
    assert.ok(readFileSync(out).equals(f.data), f.name);
  }
});

test("path tables: the root, then each level by parent number and name, both byte orders", () => {
  const pvd = bytes.subarray(16 * ISO_BLOCK);
  const size = pvd.readUInt32LE(132);
  const l = bytes.subarray(pvd.readUInt32LE(140) * ISO_BLOCK);
  const m = bytes.subarray(pvd.readUInt32BE(148) * ISO_BLOCK);
  const rows: { id: string; block: number; parent: number }[] = [];
  for (let off = 0; off < size; ) {
    const len = l[off]!;
    const row = { id: l.subarray(off + 8, off + 8 + len).toString("latin1"), block: l.readUInt32LE(off + 2), parent: l.readUInt16LE(off + 6) };
    assert.deepEqual([m[off], m.readUInt32BE(off + 2), m.readUInt16BE(off + 6)], [len, row.block, row.parent], "the M table mirrors the L table");
    rows.push(row);
    off += 8 + len + (len % 2);
  }
  assert.deepEqual(
    rows.map((r) => [r.id, r.parent]),
    [["\0", 1], ["A", 1], ["EFI", 1], ["B", 2], ["BOOT", 3], ["DEBIAN", 3], ["C", 4]],
  );
  // Each directory's "." names its own block and ".." its parent's.
  for (const r of rows) {
    const d = bytes.subarray(r.block * ISO_BLOCK);
    assert.equal(d.readUInt32LE(2), r.block, `${r.id}: "."`);
    assert.equal(d.readUInt32LE(d[0]! + 2), rows[r.parent - 1]!.block, `${r.id}: ".."`);
  }
});

test("the layout helpers count the directory blocks", () => {
  assert.equal(biosImageBlock({ files }), layout.biosBlock);
  assert.equal(efiImageSector({ files, biosBootImage: opts.biosBootImage }), layout.efiBlock * (ISO_BLOCK / 512));
  assert.equal(bytes.readUInt32LE(446 + 8), layout.efiBlock * 4, "the MBR partition starts at the ESP image");
});

test("bad directory names and a name used twice are refused", () => {
  const refused = (name: string) =>
    assert.throws(
      () => writeIso9660({ ...opts, files: [...files, { name, data: Buffer.from("x") }] }),
      (e: unknown) => e instanceof BrokkrError && e.code === "image.invalid",
      name,
    );
  refused("efi/X.TXT");
  refused("TOOLONGDIR/X.TXT");
  refused("DIR.EXT/X.TXT");
  refused("EFI/DEBIAN/GRUB.CFG");
  refused("EFI");
  refused("1/2/3/4/5/6/7/8/X.TXT");
});
