import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { gzipSync } from "node:zlib";
import { BrokkrError } from "../../errors.ts";
import { BlobCache } from "./cache.ts";
import { type FakeArchive, fakeArchiveOptions, packagesText, sha256, startFakeArchive } from "./fake-archive.ts";
import {
  debianArch,
  type FeedProgress,
  type LoadPackagesOptions,
  loadPackages,
  parsePackages,
} from "./packages.ts";

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

async function setup(
  extraIndexes?: Map<string, Buffer>,
): Promise<{ archive: FakeArchive; cache: BlobCache; opts: LoadPackagesOptions }> {
  const dir = mkdtempSync(join(tmpdir(), "brokkr-packages-"));
  const archive = await startFakeArchive(dir, { extraIndexes });
  cleanups.push(
    () => archive.close(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  const cache = new BlobCache(join(dir, "cache"));
  const opts: LoadPackagesOptions = fakeArchiveOptions(archive, cache);
  return { archive, cache, opts };
}

/** Every blob file in the cache. */
function blobs(cache: BlobCache): string[] {
  const root = join(cache.root, "blobs", "sha256");
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((d) => readdirSync(join(root, d)));
}

const isCode = (code: string) => (e: unknown) => e instanceof BrokkrError && e.code === code;
const gzPath = "dists/trixie/main/binary-amd64/Packages.gz";

test("debianArch maps spec names and passes Debian names through", () => {
  assert.equal(debianArch("x86_64"), "amd64");
  assert.equal(debianArch("aarch64"), "arm64");
  assert.equal(debianArch("riscv64"), "riscv64");
  assert.equal(debianArch("amd64"), "amd64");
});

test("parsePackages maps fields: source without version, essential, first description line", () => {
  const text =
    "Package: libfoo1\nSource: foo (1.2-3)\nVersion: 1.2-3+b1\nArchitecture: amd64\nEssential: yes\nMulti-Arch: same\n" +
    "Pre-Depends: libc6\nProvides: libfoo\nDescription: Foo library\n longer\nSize: 10\nInstalled-Size: 40\n\n" +
    "Package: bar\nVersion: 1\nArchitecture: all\nSource: barsrc\n";
  const [a, b] = parsePackages(text);
  assert.equal(a?.source, "foo");
  assert.equal(a?.essential, true);
  assert.equal(a?.multiArch, "same");
  assert.equal(a?.preDepends, "libc6");
  assert.equal(a?.description, "Foo library");
  assert.equal(a?.size, 10);
  assert.equal(a?.installedSize, 40);
  assert.equal(a?.depends, "");
  assert.equal(b?.source, "barsrc");
  assert.equal(b?.essential, false);
});

test("happy path, then a warm run that reads the parsed cache without downloading the index", async () => {
  const { archive, cache, opts } = await setup();
  const events: FeedProgress[] = [];
  const pkgs = await loadPackages({ ...opts, onProgress: (e) => events.push(e) });
  assert.deepEqual(
    pkgs.map((p) => p.package),
    ["hello", "base-files"],
  );
  const hello = pkgs[0]!;
  assert.equal(hello.sha256, archive.debs[0]!.sha256);
  assert.equal(hello.depends, "libc6 (>= 2.36), foo | bar:any");
  assert.equal(hello.description, "the hello package");
  assert.equal(hello.source, "hello");
  assert.ok(events.some((e) => e.kind === "index" && e.from === "network" && e.packages === 2));
  assert.equal(archive.count(gzPath), 1);
  assert.ok(blobs(cache).includes(sha256(archive.files.get(gzPath)!)));

  const warmEvents: FeedProgress[] = [];
  const again = await loadPackages({ ...opts, onProgress: (e) => warmEvents.push(e) });
  assert.deepEqual(again, pkgs);
  assert.equal(archive.count(gzPath), 1, "the index is not downloaded again");
  assert.equal(archive.count("dists/trixie/InRelease"), 2, "InRelease is always re-fetched");
  assert.ok(warmEvents.some((e) => e.kind === "index" && e.from === "parsed-cache"));
  // Only the component asked for was touched.
  assert.ok(!archive.requests.some((r) => r.includes("contrib")));
});

test("a wrong Packages.gz fails closed and caches nothing; a good by-hash copy then succeeds", async () => {
  const { archive, cache, opts } = await setup();
  const good = archive.files.get(gzPath)!;
  archive.files.set(gzPath, gzipSync("Package: evil\nVersion: 6.6.6\n"));
  await assert.rejects(loadPackages(opts), (e: unknown) => {
    assert.ok(isCode("feed.checksum-mismatch")(e));
    const err = e as BrokkrError;
    assert.match(err.message, /no copy of .*\/Packages matches the signed InRelease/);
    assert.match(err.hint ?? "", /middle of a sync/);
    assert.match(err.hint ?? "", /another suite, or another mirror/);
    return true;
  });
  assert.deepEqual(blobs(cache), [], "nothing from a failed download is cached");
  assert.equal(
    archive.count(`dists/trixie/main/binary-amd64/by-hash/SHA256/${sha256(good)}`),
    1,
    "by-hash was tried",
  );

  archive.files.set(`dists/trixie/main/binary-amd64/by-hash/SHA256/${sha256(good)}`, good);
  const pkgs = await loadPackages(opts);
  assert.equal(pkgs.length, 2);
  assert.deepEqual(blobs(cache), [sha256(good)]);
});

test("a wrong .gz falls back to the .xz listed in InRelease", async (t) => {
  let xz: Buffer;
  try {
    xz = execFileSync("xz", ["-c"], { input: packagesText([]) + "Package: from-xz\nVersion: 2\n" });
  } catch {
    t.skip("xz is not installed (needed to build the fixture)");
    return;
  }
  const { archive, opts } = await setup(new Map([["main/binary-amd64/Packages.xz", xz]]));
  archive.files.set(gzPath, Buffer.from("stale"));
  const pkgs = await loadPackages(opts);
  assert.deepEqual(
    pkgs.map((p) => p.package),
    ["from-xz"],
  );
  assert.equal(archive.count("dists/trixie/main/binary-amd64/Packages.xz"), 1);
});

test("one bad index does not hide a good one: the good one is cached and usable alone", async () => {
  const contrib = gzipSync("Package: contrib-pkg\nVersion: 1\nArchitecture: all\n");
  const { archive, opts } = await setup(new Map([["contrib/binary-amd64/Packages.gz", contrib]]));
  archive.files.set("dists/trixie/contrib/binary-amd64/Packages.gz", Buffer.from("mid-sync"));
  await assert.rejects(loadPackages({ ...opts, components: ["main", "contrib"] }), (e: unknown) => {
    return (
      isCode("feed.checksum-mismatch")(e) &&
      /contrib\/binary-amd64/.test((e as Error).message) &&
      !/main\/binary/.test((e as Error).message)
    );
  });
  const before = archive.requests.length;
  const mainOnly = await loadPackages({ ...opts, offline: true });
  assert.equal(archive.requests.length, before, "offline: no network");
  assert.equal(mainOnly.length, 2);
});

test("a component the suite does not list → feed.index-missing, without a request for it", async () => {
  const { archive, opts } = await setup();
  await assert.rejects(
    loadPackages({ ...opts, components: ["non-free-firmware"] }),
    isCode("feed.index-missing"),
  );
  assert.ok(!archive.requests.some((r) => r.includes("non-free-firmware")));
});

test("a damaged index blob in the cache is detected and fetched again", async () => {
  const { archive, cache, opts } = await setup();
  await loadPackages(opts);
  const h = sha256(archive.files.get(gzPath)!);
  rmSync(join(cache.root, "derived"), { recursive: true }); // force the blob path
  writeFileSync(cache.blobPath(h), "bit rot");
  const pkgs = await loadPackages(opts);
  assert.equal(pkgs.length, 2);
  assert.equal(archive.count(gzPath), 2);
});
