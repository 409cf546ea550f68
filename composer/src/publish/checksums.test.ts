import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as openpgp from "openpgp";
import { formatSums, parseSums, signDetached, verifyDetached } from "./checksums.ts";
import { loadOrCreateSigningKey, publicKeyOf, readPublicKey } from "./signing-key.ts";

const dir = mkdtempSync(join(tmpdir(), "brokkr-sums-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Debian's gpgv, the independent checker; the test fails loudly without it (scripts/setup.sh installs it). */
function gpgv(keyFile: string, sig: string, data: string) {
  const r = spawnSync("gpgv", ["--keyring", keyFile, sig, data], { encoding: "utf8" });
  if (r.error) throw new Error(`gpgv is needed for this test (apt-get install gpgv): ${r.error.message}`);
  return r;
}

test("SHA256SUMS is sha256sum's format, sorted by name, and parses back", () => {
  const text = formatSums({ "uki.efi": "b".repeat(64), "disk.img": "a".repeat(64), "manifest.json": "c".repeat(64) });
  assert.equal(text, `${"a".repeat(64)}  disk.img\n${"c".repeat(64)}  manifest.json\n${"b".repeat(64)}  uki.efi\n`);
  assert.deepEqual([...parseSums(text)], [["disk.img", "a".repeat(64)], ["manifest.json", "c".repeat(64)], ["uki.efi", "b".repeat(64)]]);
  // sha256sum -c reads it: checked against the real tool on real files.
  writeFileSync(join(dir, "a.txt"), "hello\n");
  const sha = spawnSync("sha256sum", ["a.txt"], { cwd: dir, encoding: "utf8" }).stdout;
  assert.deepEqual([...parseSums(sha)], [["a.txt", "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"]]);
});

test("SHA256SUMS with a bad line, a path or a file named twice is refused with its line number", () => {
  assert.throws(() => parseSums(`${"a".repeat(64)}  ../etc/passwd\n`), /line 1 is not/);
  assert.throws(() => parseSums(`${"a".repeat(64)}  x\n${"b".repeat(63)}  y\n`), /line 2 is not/);
  assert.throws(() => parseSums(`${"a".repeat(64)}  x\n${"b".repeat(64)}  x\n`), /line 2 .*twice/);
  assert.throws(() => parseSums(""), /lists no files/);
});

test("the signing key is made once (ed25519, mode 0600) and then reused, also by builds racing to make it", async () => {
  const file = join(dir, "state", "signing-key.asc");
  const keys = await Promise.all([1, 2, 3].map(() => loadOrCreateSigningKey(file)));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const fp = keys[0]!.getFingerprint();
  assert.ok(keys.every((k) => k.getFingerprint() === fp), "one key for all");
  assert.equal((await loadOrCreateSigningKey(file)).getFingerprint(), fp);
  assert.equal(keys[0]!.getAlgorithmInfo().algorithm, "eddsaLegacy");
  assert.equal((await readPublicKey(file)).getFingerprint(), fp, "a private key file serves as the public key too");
});

test("a detached signature of SHA256SUMS verifies with gpgv (Debian's checker) and with our verify; a changed byte fails both", async () => {
  const key = await loadOrCreateSigningKey(join(dir, "key2", "signing-key.asc"));
  const sums = Buffer.from(formatSums({ "disk.img": "a".repeat(64) }));
  const sig = await signDetached(sums, key);
  writeFileSync(join(dir, "SHA256SUMS"), sums);
  writeFileSync(join(dir, "SHA256SUMS.asc"), sig);
  const pub = await openpgp.readKey({ armoredKey: publicKeyOf(key) });
  writeFileSync(join(dir, "builder.gpg"), pub.write());
  const good = gpgv(join(dir, "builder.gpg"), join(dir, "SHA256SUMS.asc"), join(dir, "SHA256SUMS"));
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stderr, /Good signature/);
  const mine = await verifyDetached(sums, sig, pub);
  assert.equal(mine.keyId, pub.getKeyID().toHex());

  const tampered = Buffer.from(sums);
  tampered[0] = "b".charCodeAt(0);
  writeFileSync(join(dir, "SHA256SUMS"), tampered);
  const bad = gpgv(join(dir, "builder.gpg"), join(dir, "SHA256SUMS.asc"), join(dir, "SHA256SUMS"));
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /BAD signature/);
  await assert.rejects(verifyDetached(tampered, sig, pub), /SHA256SUMS\.asc does not verify: it does not match the file/);
});

test("a signature by another key is refused, naming both keys", async () => {
  const ours = await loadOrCreateSigningKey(join(dir, "k3", "signing-key.asc"));
  const theirs = await loadOrCreateSigningKey(join(dir, "k4", "signing-key.asc"));
  const data = Buffer.from("x");
  await assert.rejects(verifyDetached(data, await signDetached(data, theirs), ours.toPublic()), /made by key [0-9a-f]{16}, not by the key given/);
  await assert.rejects(verifyDetached(data, "not a signature", ours.toPublic()), /not an armored OpenPGP signature/);
  assert.ok(readFileSync(join(dir, "k3", "signing-key.asc"), "utf8").startsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----"));
});
