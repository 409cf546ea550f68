// The feed against someone who can rewrite the whole cache directory (but not the state dir that
// holds the sealing key): a parsed index that names their .deb, with that .deb beside it, is
// never used. The feed fetches again, or offline fails closed.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { gzipSync } from "node:zlib";
import { BlobCache } from "./cache.ts";
import { fetchDebs } from "./debs.ts";
import { fakeArchiveOptions, packagesText, sha256, startFakeArchive } from "./fake-archive.ts";
import { type LoadPackagesOptions, loadPackages } from "./packages.ts";
import { rereadSettings } from "../../settings/index.ts";

const dir = mkdtempSync(join(tmpdir(), "brokkr-tamper-"));
process.env["BROKKR_STATE_DIR"] = join(dir, "state");
rereadSettings();
const archive = await startFakeArchive(dir);
after(async () => {
  await archive.close();
  rmSync(dir, { recursive: true, force: true });
});

const cache = new BlobCache(join(dir, "cache"));
const opts: LoadPackagesOptions = fakeArchiveOptions(archive, cache);
const real = archive.debs.find((d) => d.package === "hello")!;
const evil = Buffer.from("!<arch>\nevil deb ".padEnd(real.data.length, "x"));
const evilSha = sha256(evil);

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** Forged parsed-index files, path → bytes, kept to write them again after the feed deletes them. */
const forgedParsed = new Map<string, Buffer>();

/** What the attacker does: point hello at their .deb everywhere in the cache, and put it there. */
function rewriteCache(): void {
  for (const f of filesUnder(join(cache.root, "derived", "packages"))) {
    const bytes = readFileSync(f).toString("latin1");
    if (bytes.includes(real.sha256)) forgedParsed.set(f, Buffer.from(bytes.replaceAll(real.sha256, evilSha), "latin1"));
  }
  assert.ok(forgedParsed.size > 0, "the parsed index was cached and names hello's sha256");
  for (const [f, bytes] of forgedParsed) writeFileSync(f, bytes);
  // The compressed index too, so that parsing it again would give the same lie.
  const gz = archive.files.get("dists/trixie/main/binary-amd64/Packages.gz")!;
  const forgedIndex = gzipSync(packagesText(archive.debs.map((d) => (d === real ? { ...d, data: evil, sha256: evilSha } : d))));
  writeFileSync(cache.blobPath(sha256(gz)), forgedIndex);
  mkdirSync(join(cache.blobPath(evilSha), ".."), { recursive: true });
  writeFileSync(cache.blobPath(evilSha), evil);
}

async function helloOf(o: LoadPackagesOptions) {
  const hello = (await loadPackages(o)).find((p) => p.package === "hello");
  assert.ok(hello);
  return hello;
}

test("a rewritten cache is not believed: offline fails closed, online fetches the signed data again", async () => {
  assert.equal((await helloOf(opts)).sha256, real.sha256);
  await fetchDebs([{ ...real, size: real.data.length }], { mirror: archive.mirror, cache });
  rewriteCache();

  await assert.rejects(helloOf({ ...opts, offline: true }), { code: "feed.index-missing" }, "offline has nothing it can trust");
  rewriteCache();
  const hello = await helloOf(opts);
  assert.equal(hello.sha256, real.sha256, "the forged sha256 was used");
  const [path] = await fetchDebs([hello], { mirror: archive.mirror, cache });
  assert.ok(readFileSync(path!).equals(real.data), "the .deb used is the archive's");
  // The good parse is cached again and now serves offline.
  assert.equal((await helloOf({ ...opts, offline: true })).sha256, real.sha256);
});
