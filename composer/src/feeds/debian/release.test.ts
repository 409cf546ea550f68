import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { BrokkrError } from "../../errors.ts";
import { BlobCache } from "./cache.ts";
import { type FakeArchive, sha256, startFakeArchive } from "./fake-archive.ts";
import { fetchRelease, parseRelease } from "./release.ts";

let dir = "";
let archive: FakeArchive;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "brokkr-release-"));
  archive = await startFakeArchive(dir);
});
after(async () => {
  await archive.close();
  rmSync(dir, { recursive: true, force: true });
});

const inRelease = "dists/trixie/InRelease";
const isCode = (code: string) => (e: unknown) => e instanceof BrokkrError && e.code === code;
const http = { retryDelayMs: 1 };

/** Serves `text` as the InRelease for the duration of `fn`. */
async function withInRelease(text: string | Buffer, fn: () => Promise<void>): Promise<void> {
  const saved = archive.files.get(inRelease)!;
  archive.files.set(inRelease, Buffer.from(text));
  try {
    await fn();
  } finally {
    archive.files.set(inRelease, saved);
  }
}

test("happy path: verifies with a key from a multi-key keyring and parses the file list", async () => {
  const r = await fetchRelease(archive.mirror, "trixie", { keyring: archive.keyringPath, http });
  assert.equal(r.codename, "trixie");
  assert.equal(r.suite, "stable");
  assert.equal(r.acquireByHash, true);
  assert.deepEqual(r.components, ["main", "contrib"]);
  assert.equal(r.date?.toISOString(), "2025-11-01T10:00:00.000Z");
  const gz = archive.files.get("dists/trixie/main/binary-amd64/Packages.gz")!;
  assert.deepEqual(r.files.get("main/binary-amd64/Packages.gz"), { sha256: sha256(gz), size: gz.length });
  assert.deepEqual(r.warnings, []);
});

test("the suite alias (Suite: stable) is accepted too", async () => {
  // Served under dists/stable by copying; the signed text says Suite: stable.
  archive.files.set("dists/stable/InRelease", archive.files.get(inRelease)!);
  const r = await fetchRelease(archive.mirror, "stable", { keyring: archive.keyringPath, http });
  assert.equal(r.codename, "trixie");
});

test("tampered InRelease (one hash character changed after signing) → feed.signature", async () => {
  const signed = archive.files.get(inRelease)!.toString();
  const at = signed.indexOf("SHA256:\n ") + 9;
  assert.ok(at > 9 && /[0-9a-f]/.test(signed[at]!), "the fixture has a hash to tamper with");
  const ch = signed[at] === "0" ? "1" : "0";
  const tampered = signed.slice(0, at) + ch + signed.slice(at + 1);
  assert.notEqual(tampered, signed);
  await withInRelease(tampered, async () => {
    await assert.rejects(
      fetchRelease(archive.mirror, "trixie", { keyring: archive.keyringPath, http }),
      (e: unknown) => isCode("feed.signature")(e) && /no valid signature/.test((e as Error).message),
    );
  });
});

test("unsigned text served as InRelease → feed.signature", async () => {
  await withInRelease(archive.releaseText, async () => {
    await assert.rejects(
      fetchRelease(archive.mirror, "trixie", { keyring: archive.keyringPath, http }),
      isCode("feed.signature"),
    );
  });
});

test("signed by a key that is not in the keyring → feed.signature", async () => {
  const signed = await archive.sign(archive.releaseText, archive.otherKey);
  await withInRelease(signed, async () => {
    await assert.rejects(
      fetchRelease(archive.mirror, "trixie", { keyring: archive.keyringPath, http }),
      /no valid signature/,
    );
  });
});

test("a validly signed Release for another suite is refused", async () => {
  const signed = await archive.sign(
    archive.releaseText
      .replace("Codename: trixie", "Codename: bookworm")
      .replace("Suite: stable", "Suite: oldstable"),
  );
  await withInRelease(signed, async () => {
    await assert.rejects(
      fetchRelease(archive.mirror, "trixie", { keyring: archive.keyringPath, http }),
      isCode("feed.signature"),
    );
  });
});

test("missing or unreadable keyring → feed.signature", async () => {
  await assert.rejects(
    fetchRelease(archive.mirror, "trixie", { keyring: join(dir, "nope.gpg"), http }),
    isCode("feed.signature"),
  );
  const junk = join(dir, "junk.gpg");
  writeFileSync(junk, "not a keyring");
  await assert.rejects(
    fetchRelease(archive.mirror, "trixie", { keyring: junk, http }),
    isCode("feed.signature"),
  );
});

test("offline uses the last verified copy, and fails without one", async () => {
  const cache = new BlobCache(join(dir, "cache-offline"));
  await assert.rejects(
    fetchRelease(archive.mirror, "trixie", { keyring: archive.keyringPath, cache, offline: true }),
    isCode("feed.index-missing"),
  );
  await fetchRelease(archive.mirror, "trixie", { keyring: archive.keyringPath, cache, http });
  const before = archive.count(inRelease);
  const r = await fetchRelease(archive.mirror, "trixie", {
    keyring: archive.keyringPath,
    cache,
    offline: true,
  });
  assert.equal(r.codename, "trixie");
  assert.equal(archive.count(inRelease), before, "offline must not touch the network");
});

test("a copy that fails verification is never saved for offline use", async () => {
  const cache = new BlobCache(join(dir, "cache-unsaved"));
  await withInRelease(archive.releaseText, async () => {
    await assert.rejects(
      fetchRelease(archive.mirror, "trixie", { keyring: archive.keyringPath, cache, http }),
    );
  });
  await assert.rejects(
    fetchRelease(archive.mirror, "trixie", { keyring: archive.keyringPath, cache, offline: true }),
    isCode("feed.index-missing"),
  );
});

test("parseRelease: expired Valid-Until is a warning, sections other than SHA256 are ignored", () => {
  const r = parseRelease(
    "Codename: x\nValid-Until: Sat, 01 Nov 2025 10:00:00 UTC\nMD5Sum:\n 00 1 main/a\nSHA256:\n AB 12 main/a\n cd 3 main/b\n",
    new Date("2026-01-01T00:00:00Z"),
  );
  assert.equal(r.files.size, 2);
  assert.deepEqual(r.files.get("main/a"), { sha256: "ab", size: 12 });
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0]!, /Valid-Until/);
  assert.equal(r.acquireByHash, false);
});
