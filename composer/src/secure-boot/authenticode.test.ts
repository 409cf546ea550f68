// Authenticode checked by Debian's sbverify (sbsigntool) against the db certificate of a key
// set made by createKeySet. The UKI is built by our own writer from stand-in stub and kernel.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createPe, parsePe, SCN_CNT_CODE, SCN_CNT_INITIALIZED_DATA, SCN_MEM_EXECUTE, SCN_MEM_READ } from "../boot/pe.ts";
import { buildUki } from "../boot/uki.ts";
import { signPeImage } from "./authenticode.ts";
import { createKeySet } from "./keys.ts";

const root = mkdtempSync(join(tmpdir(), "brokkr-authenticode-"));
after(() => rmSync(root, { recursive: true, force: true }));
const keys = join(root, "keys");
let signer: { keyPem: string; certDer: Buffer };

before(async () => {
  await createKeySet("test", { dir: keys, now: new Date("2026-12-01T00:00:00Z") });
  signer = { keyPem: readFileSync(join(keys, "db.key"), "utf8"), certDer: readFileSync(join(keys, "db.cer")) };
});

function sbverify(file: string, cert: string) {
  const r = spawnSync("sbverify", ["--cert", join(keys, cert), file], { encoding: "utf8" });
  if (r.error) throw new Error(`sbverify is needed for this test (apt-get install sbsigntool): ${r.error.message}`);
  return { status: r.status, out: r.stdout + r.stderr };
}

function uki(): Buffer {
  const stub = createPe({
    machine: 0x8664,
    headerSlots: 14,
    sections: [
      { name: ".text", data: Buffer.alloc(5000, 0x90), characteristics: SCN_CNT_CODE | SCN_MEM_READ | SCN_MEM_EXECUTE },
      { name: ".sdmagic", data: Buffer.from("#### LoaderInfo: systemd-stub ####"), characteristics: SCN_CNT_INITIALIZED_DATA | SCN_MEM_READ },
    ],
  });
  const linux = createPe({ machine: 0x8664, sections: [{ name: ".text", data: Buffer.alloc(70_001, 0xcc), characteristics: SCN_CNT_CODE | SCN_MEM_READ }] });
  const initrd = Buffer.alloc(300_003);
  for (let i = 0; i < initrd.length; i++) initrd[i] = (i * 7919) & 0xff;
  return Buffer.concat(buildUki({ stub, osRelease: "ID=debian\n", cmdline: "console=ttyS0", linux, initrd, uname: "6.12.0-test" }));
}

test("a signed UKI passes sbverify with the db certificate, and fails with another", () => {
  const file = join(root, "uki.efi");
  const signed = signPeImage(uki(), signer);
  writeFileSync(file, signed);
  const ok = sbverify(file, "db.crt");
  assert.equal(ok.status, 0, ok.out);
  assert.match(ok.out, /Signature verification OK/);
  assert.notEqual(sbverify(file, "KEK.crt").status, 0, "KEK did not sign it");
  assert.ok(parsePe(signed).certificateSize > 0);
});

test("one changed byte in the signed image fails sbverify", () => {
  const signed = signPeImage(uki(), signer);
  const at = parsePe(signed).sections.at(-1)!.pointerToRawData + 1000;
  signed[at] = (signed[at] ?? 0) ^ 0xff;
  const file = join(root, "tampered.efi");
  writeFileSync(file, signed);
  const r = sbverify(file, "db.crt");
  assert.notEqual(r.status, 0);
  assert.match(r.out, /Signature verification failed/);
});

test("reproducible: the same key and image give the same bytes; an odd-length image with trailing data still verifies", () => {
  const image = uki();
  assert.ok(signPeImage(image, signer).equals(signPeImage(image, signer)));
  const odd = Buffer.concat([image, Buffer.from("trailing bytes")]);
  const file = join(root, "odd.efi");
  writeFileSync(file, signPeImage(odd, signer));
  const r = sbverify(file, "db.crt");
  assert.equal(r.status, 0, r.out);
});

test("an image that is signed already is refused", () => {
  const signed = signPeImage(uki(), signer);
  assert.throws(() => signPeImage(signed, signer, "uki.efi"), /uki\.efi is signed already/);
});
