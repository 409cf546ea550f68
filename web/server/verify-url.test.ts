// Signed checksums through the server: it signs with its own key (in its data dir, never in the
// database), publishes the public key at /api/signing-key.asc, and `brokkr verify URL` checks a
// build's download against it. The builder writes small files, signed the way the pipeline does.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { statSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as openpgp from "openpgp";
import { checksumsNote } from "@brokkr/composer";
import { writeSignedSums } from "@brokkr/composer";
import { loadOrCreateSigningKey } from "@brokkr/composer";
import { verifyDownload } from "@brokkr/composer";
import type { Builder } from "../lib/builds/builder.ts";
import { startTestServer } from "./test-server.ts";

const signingBuilder: Builder = async (job) => {
  assert.ok(job.signingKeyFile, "the service hands the build its key file");
  const disk = Buffer.alloc(1 << 20, job.schematicId.charCodeAt(0));
  const artifacts = { "disk.img": { sha256: createHash("sha256").update(disk).digest("hex"), size: disk.length } };
  await writeFile(join(job.outDir, "disk.img"), disk);
  await writeFile(join(job.outDir, "manifest.json"), `${JSON.stringify({ schematicId: job.schematicId, artifacts, checksums: checksumsNote })}\n`);
  await writeSignedSums(job.outDir, artifacts, await loadOrCreateSigningKey(job.signingKeyFile));
  return { files: ["disk.img", "manifest.json", "SHA256SUMS", "SHA256SUMS.asc"] };
};

let server: Awaited<ReturnType<typeof startTestServer>>;
let buildId = "";
let schematicId = "";
before(async () => {
  server = await startTestServer({ builder: signingBuilder });
  const spec = { name: "signed", arch: "x86_64", boot: { protocol: "uefi" } };
  const created = await fetch(`${server.url}/api/schematics`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(spec) });
  assert.equal(created.status, 201, await created.clone().text());
  schematicId = ((await created.json()) as { id: string }).id;
  buildId = ((await (await fetch(`${server.url}/api/schematics/${schematicId}/builds`, { method: "POST" })).json()) as { buildId: string }).buildId;
  await (await fetch(`${server.url}/api/builds/${buildId}/log`)).text();
});
after(() => server?.close());

test("GET /api/signing-key.asc: the public half of the key in the data dir (mode 0600), never the private one", async () => {
  const res = await fetch(`${server.url}/api/signing-key.asc`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/pgp-keys");
  const text = await res.text();
  assert.match(text, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
  assert.doesNotMatch(text, /PRIVATE/);
  const file = join(server.dataDir, "signing-key.asc");
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const own = await loadOrCreateSigningKey(file);
  assert.equal((await openpgp.readKey({ armoredKey: text })).getFingerprint(), own.getFingerprint());
  assert.equal((await fetch(`${server.url}/api/signing-key.asc`, { method: "POST" })).status, 405);
});

test("brokkr verify URL: a build's own URL and the schematic's /images/ URL, with the server's published key", async () => {
  const build = (await (await fetch(`${server.url}/api/builds/${buildId}`)).json()) as { status: string; artifacts: { file: string }[] };
  assert.equal(build.status, "succeeded");
  assert.deepEqual(build.artifacts.map((a) => a.file), ["SHA256SUMS", "SHA256SUMS.asc", "disk.img", "manifest.json"]);
  const report = await verifyDownload(`${server.url}/api/builds/${buildId}/`);
  assert.deepEqual(report.files, ["disk.img", "manifest.json"]);
  assert.equal(report.keyFrom, `${server.url}/api/signing-key.asc`);
  await verifyDownload(`${server.url}/images/${schematicId}`);
});

test("brokkr verify URL fails on a changed stored artifact, naming it, and with a key that is not the server's", async () => {
  const build = (await (await fetch(`${server.url}/api/builds/${buildId}`)).json()) as { artifacts: { file: string; sha256: string; size: number }[] };
  const disk = build.artifacts.find((a) => a.file === "disk.img")!;
  const stranger = join(server.dataDir, "stranger.asc");
  writeFileSync(stranger, (await loadOrCreateSigningKey(join(server.dataDir, "stranger-key.asc"))).toPublic().armor());
  await assert.rejects(verifyDownload(`${server.url}/api/builds/${buildId}`, { keyFile: stranger }), /SHA256SUMS\.asc does not verify: it was made by key/);
  // The store holds the file under its sha256: change it behind the server's back.
  const path = server.service.store.localPath!(disk.sha256);
  const bytes = Buffer.alloc(disk.size, 0x41);
  writeFileSync(path, bytes);
  await assert.rejects(verifyDownload(`${server.url}/api/builds/${buildId}`), /\/disk\.img: sha256 [0-9a-f]{64}, but SHA256SUMS says/);
  await assert.rejects(verifyDownload(`${server.url}/api/builds/${"0".repeat(8)}-0000-4000-8000-000000000000`), /SHA256SUMS is missing \(HTTP 404\)/);
});
