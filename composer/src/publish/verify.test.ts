import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { formatSums, signDetached } from "./checksums.ts";
import { writeSignedSums } from "./sign-build.ts";
import { loadOrCreateSigningKey, publicKeyOf } from "./signing-key.ts";
import { verifyDownload } from "./verify.ts";

const root = mkdtempSync(join(tmpdir(), "brokkr-verify-"));
after(() => rmSync(root, { recursive: true, force: true }));
const keyFile = join(root, "builder", "signing-key.asc");
const pubFile = join(root, "builder.asc");
const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const cli = fileURLToPath(new URL("../cli.ts", import.meta.url));

/** A build output as the pipeline writes it: artifacts, manifest.json, SHA256SUMS and its signature. */
async function buildOutput(name: string): Promise<string> {
  const dir = join(root, name);
  const files = { "disk.img": Buffer.alloc(3 << 20, 7), "sbom.spdx.json": Buffer.from("{}\n") };
  const artifacts = Object.fromEntries(Object.entries(files).map(([n, d]) => [n, { sha256: sha(d), size: d.length }]));
  mkdirSync(dir, { recursive: true });
  for (const [n, d] of Object.entries(files)) writeFileSync(join(dir, n), d);
  writeFileSync(join(dir, "manifest.json"), `${JSON.stringify({ artifacts }, null, 2)}\n`);
  await writeSignedSums(dir, artifacts, await loadOrCreateSigningKey(keyFile));
  return dir;
}

function runVerify(args: string[]) {
  return spawnSync(process.execPath, [cli, "verify", ...args], { encoding: "utf8", env: { ...process.env, BROKKR_STATE_DIR: join(root, "no-state") } });
}

test("a build output verifies: signature, every sum, the manifest's hashes", async () => {
  writeFileSync(pubFile, publicKeyOf(await loadOrCreateSigningKey(keyFile)));
  const dir = await buildOutput("good");
  const seen: string[] = [];
  const report = await verifyDownload(dir, { keyFile: pubFile, onFile: (n) => seen.push(n) });
  assert.deepEqual(report.files, ["disk.img", "manifest.json", "sbom.spdx.json"]);
  assert.deepEqual(seen, report.files);
  assert.ok(report.signedAt && Math.abs(report.signedAt.getTime() - Date.now()) < 60_000, "the signature holds the real signing time");

  const r = runVerify([dir, "--key", pubFile]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /disk\.img: OK/);
  assert.match(r.stdout, /good signature by [0-9a-f]{40}/);
});

test("one changed byte in an artifact fails, naming the file; exit 1", async () => {
  const dir = await buildOutput("tampered-file");
  const disk = readFileSync(join(dir, "disk.img"));
  disk[1 << 20] = (disk[1 << 20] ?? 0) ^ 1;
  writeFileSync(join(dir, "disk.img"), disk);
  await assert.rejects(verifyDownload(dir, { keyFile: pubFile }), /tampered-file\/disk\.img: sha256 [0-9a-f]{64}, but SHA256SUMS says/);
  const r = runVerify([dir, "--key", pubFile]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /error\[verify\.checksum\]: .*disk\.img/);
});

test("a SHA256SUMS rewritten to match a changed file fails its signature", async () => {
  const dir = await buildOutput("tampered-sums");
  writeFileSync(join(dir, "disk.img"), "evil");
  const sums = readFileSync(join(dir, "SHA256SUMS"), "utf8").replace(/^[0-9a-f]{64}(?= {2}disk\.img$)/m, sha("evil"));
  writeFileSync(join(dir, "SHA256SUMS"), sums);
  await assert.rejects(verifyDownload(dir, { keyFile: pubFile }), /signature .*SHA256SUMS\.asc does not verify/);
  const r = runVerify([dir, "--key", pubFile]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /error\[verify\.signature\]: .*tampered-sums\/SHA256SUMS\.asc/);
});

test("a signature by another key, a missing file, and no key at all are refused", async () => {
  const dir = await buildOutput("other-key");
  const stranger = join(root, "stranger.asc");
  writeFileSync(stranger, publicKeyOf(await loadOrCreateSigningKey(join(root, "stranger", "k.asc"))));
  await assert.rejects(verifyDownload(dir, { keyFile: stranger }), /made by key [0-9a-f]{16}, not by the key given/);

  const gone = await buildOutput("missing-file");
  rmSync(join(gone, "sbom.spdx.json"));
  await assert.rejects(verifyDownload(gone, { keyFile: pubFile }), /missing-file\/sbom\.spdx\.json is missing/);

  const r = runVerify([dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /error\[verify\.missing\]: no key to check .*\nhint: pass the builder's public key with --key FILE/);
});

test("a manifest whose hashes disagree with the signed sums fails, even though both are signed", async () => {
  const dir = await buildOutput("manifest-lies");
  writeFileSync(join(dir, "manifest.json"), `${JSON.stringify({ artifacts: { "disk.img": { sha256: "0".repeat(64), size: 1 } } })}\n`);
  const sums = formatSums({
    "disk.img": sha(readFileSync(join(dir, "disk.img"))),
    "manifest.json": sha(readFileSync(join(dir, "manifest.json"))),
  });
  writeFileSync(join(dir, "SHA256SUMS"), sums);
  writeFileSync(join(dir, "SHA256SUMS.asc"), await signDetached(Buffer.from(sums), await loadOrCreateSigningKey(keyFile)));
  await assert.rejects(verifyDownload(dir, { keyFile: pubFile }), /manifest\.json gives disk\.img the sha256 0{64}, SHA256SUMS [0-9a-f]{64}/);
});
