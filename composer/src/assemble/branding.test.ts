// A spec with branding.splash gets the asset, byte for byte, as the UKI's `.splash` section (as
// objdump reads it); a missing or changed asset fails the build with a clear error.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createPe, SCN_CNT_CODE, SCN_MEM_EXECUTE, SCN_MEM_READ } from "../boot/pe.ts";
import { BrokkrError } from "../errors.ts";
import { writeBmp24 } from "../formats/bmp.ts";
import { parseSpecValue, schematicId } from "../spec/index.ts";
import { loadSplash } from "./branding.ts";
import { buildUkiImage } from "./image.ts";

const dir = mkdtempSync(join(tmpdir(), "brokkr-branding-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const hasObjdump = spawnSync("objdump", ["--version"]).status === 0;

const rgb = Buffer.alloc(40 * 30 * 3);
for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7) & 255;
const bmp = writeBmp24(rgb, 40, 30);
const sha = createHash("sha256").update(bmp).digest("hex");
// The image service's store layout: <dir>/sha256/<hh>/<hash>.
const store = join(dir, "store");
mkdirSync(join(store, "sha256", sha.slice(0, 2)), { recursive: true });
writeFileSync(join(store, "sha256", sha.slice(0, 2), sha), bmp);

const spec = parseSpecValue({ name: "branded", arch: "x86_64", branding: { splash: sha } });

function pe(sections: { name: string; size: number; virtualSize?: number }[]): Buffer {
  return createPe({
    machine: 0x8664,
    subsystem: 10,
    headerSlots: 14,
    sections: sections.map((s) => ({
      name: s.name,
      data: Buffer.alloc(s.size, 0x90),
      characteristics: SCN_CNT_CODE | SCN_MEM_READ | SCN_MEM_EXECUTE,
      ...(s.virtualSize ? { virtualSize: s.virtualSize } : {}),
    })),
  });
}

test("branding.splash becomes the UKI's .splash section, equal to the asset", { skip: !hasObjdump && "objdump not installed" }, async () => {
  const splash = await loadSplash(spec, store);
  assert.ok(splash?.equals(bmp));
  const uki = buildUkiImage({
    stub: pe([{ name: ".text", size: 5000 }]),
    osRelease: "ID=debian\n",
    cmdline: "quiet",
    linux: pe([{ name: ".text", size: 70_000, virtualSize: 0x40000 }]),
    initrd: Buffer.alloc(1000, 1),
    uname: "6.12.0-test",
    splash,
  });
  const file = join(dir, "uki.efi");
  writeFileSync(file, uki);
  const r = spawnSync("objdump", ["-h", file], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const m = /^\s*\d+\s+\.splash\s+([0-9a-f]+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)/m.exec(r.stdout);
  assert.ok(m, `no .splash section in:\n${r.stdout}`);
  const size = Number.parseInt(m[1]!, 16);
  const offset = Number.parseInt(m[2]!, 16);
  assert.equal(size, bmp.length);
  assert.ok(readFileSync(file).subarray(offset, offset + size).equals(bmp), ".splash holds the asset's bytes");
});

test("a spec without branding loads no splash and keeps its schematic ID", async () => {
  const plain = parseSpecValue({ name: "branded", arch: "x86_64" });
  assert.equal(await loadSplash(plain, undefined), undefined);
  assert.equal("branding" in plain, false);
  assert.notEqual(schematicId(spec), schematicId(plain));
});

test("a missing, unconfigured or changed asset is a BrokkrError naming the hash", async () => {
  const other = parseSpecValue({ name: "branded", arch: "x86_64", branding: { splash: "ab".repeat(32) } });
  await assert.rejects(loadSplash(other, store), (err: unknown) => {
    assert.ok(err instanceof BrokkrError);
    assert.equal(err.code, "asset.not-found");
    assert.match(err.message, /branding\.splash (ab){32} is not in the asset directory/);
    assert.match(err.hint ?? "", /\/api\/assets/);
    return true;
  });
  await assert.rejects(loadSplash(spec, undefined), /no asset directory is set/);
  // A plain directory of <hash>.bmp files works too, and its bytes must match their name.
  const flat = join(dir, "flat");
  mkdirSync(flat);
  writeFileSync(join(flat, `${sha}.bmp`), Buffer.concat([bmp, Buffer.from([0])]));
  await assert.rejects(loadSplash(spec, flat), (err: unknown) => err instanceof BrokkrError && err.code === "asset.invalid");
  writeFileSync(join(flat, `${sha}.bmp`), bmp);
  assert.ok((await loadSplash(spec, flat))?.equals(bmp));
});
