// Checked against independent tools: OpenSSL reads the certificates and keys, and efitools
// (Debian's, the reference for these files) writes the same .esl and .auth bytes from them.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { guidBytes } from "./efi-vars.ts";
import { createKeySet, keySetDir } from "./keys.ts";

const root = mkdtempSync(join(tmpdir(), "brokkr-sb-keys-"));
after(() => rmSync(root, { recursive: true, force: true }));
const dir = join(root, "demo");
const now = new Date("2026-12-03T10:40:07Z");
let owner = "";

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd: dir });
  if (r.error) throw new Error(`${cmd} is needed for this test (apt-get install openssl efitools): ${r.error.message}`);
  return r;
}

before(async () => {
  owner = (await createKeySet("demo", { dir, now })).owner;
});

test("PK, KEK and db: RSA-2048 keys (mode 0600) and self-signed certificates OpenSSL accepts", () => {
  for (const role of ["PK", "KEK", "db"]) {
    assert.equal(statSync(join(dir, `${role}.key`)).mode & 0o777, 0o600);
    const text = run("openssl", ["x509", "-in", `${role}.crt`, "-noout", "-subject", "-startdate", "-text"]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`subject=CN ?= ?demo Secure Boot ${role}`));
    assert.match(text.stdout, /notBefore=Dec {2}3 10:40:07 2026 GMT/);
    assert.match(text.stdout, /Public-Key: \(2048 bit\)/);
    const verify = run("openssl", ["verify", "-CAfile", `${role}.crt`, `${role}.crt`]);
    assert.equal(verify.status, 0, verify.stderr + verify.stdout);
    const match = run("openssl", ["pkey", "-in", `${role}.key`, "-pubout"]);
    const certKey = run("openssl", ["x509", "-in", `${role}.crt`, "-noout", "-pubkey"]);
    assert.equal(match.stdout, certKey.stdout, `${role}.key belongs to ${role}.crt`);
    const der = run("openssl", ["x509", "-in", `${role}.crt`, "-outform", "DER"]);
    assert.equal(spawnSync("openssl", ["x509", "-in", `${role}.crt`, "-outform", "DER"], { cwd: dir }).stdout.equals(readFileSync(join(dir, `${role}.cer`))), true, der.stderr);
  }
});

test("each .esl is what efitools' cert-to-efi-sig-list writes for the certificate and owner GUID", () => {
  for (const role of ["PK", "KEK", "db"]) {
    const out = join(root, `${role}.efitools.esl`);
    const r = run("cert-to-efi-sig-list", ["-g", owner, `${role}.crt`, out]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(readFileSync(out).equals(readFileSync(join(dir, `${role}.esl`))), `${role}.esl`);
  }
});

test("each .auth is what efitools' sign-efi-sig-list writes: PK self-signed, KEK by PK, db by KEK", () => {
  const signers: Record<string, string> = { PK: "PK", KEK: "PK", db: "KEK" };
  for (const role of ["PK", "KEK", "db"]) {
    const out = join(root, `${role}.efitools.auth`);
    const s = signers[role]!;
    const r = run("sign-efi-sig-list", ["-t", "2026-12-03 10:40:07", "-g", owner, "-k", `${s}.key`, "-c", `${s}.crt`, role, `${role}.esl`, out]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(readFileSync(out).equals(readFileSync(join(dir, `${role}.auth`))), `${role}.auth differs from sign-efi-sig-list's`);
  }
  // The check has teeth: signed by the wrong key, the bytes differ.
  const wrong = join(root, "db.wrong.auth");
  run("sign-efi-sig-list", ["-t", "2026-12-03 10:40:07", "-g", owner, "-k", "PK.key", "-c", "PK.crt", "db", "db.esl", wrong]);
  assert.ok(!readFileSync(wrong).equals(readFileSync(join(dir, "db.auth"))));
});

test("GUIDs in EFI byte order; a key set is made once; names are checked", async () => {
  assert.equal(guidBytes("8be4df61-93ca-11d2-aa0d-00e098032b8c").toString("hex"), "61dfe48bca93d211aa0d00e098032b8c");
  assert.equal(readFileSync(join(dir, "GUID"), "utf8"), `${owner}\n`);
  await assert.rejects(createKeySet("demo", { dir }), /already holds files/);
  assert.throws(() => keySetDir("../x", root), /not a key set name/);
  assert.equal(keySetDir("prod-2026", root), join(root, "secure-boot", "prod-2026"));
});
