// The unpack cache against someone who can rewrite the whole cache directory: a decompressed tar
// or a .deb put there by them is never unpacked into an image.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BlobCache, sha256Hex } from "../feeds/debian/cache.ts";
import { writeDeb, writeTar } from "../rootfs/deb-fixture.ts";
import { unpackDebs } from "./unpack.ts";
import { rereadSettings } from "../settings/index.ts";

const dir = mkdtempSync(join(tmpdir(), "brokkr-unpack-"));
process.env["BROKKR_STATE_DIR"] = join(dir, "state"); // the sealing key, outside the cache
rereadSettings();
after(() => rmSync(dir, { recursive: true, force: true }));

const control = "Package: hello\nVersion: 1\nArchitecture: amd64\n";
const goodTar = writeTar([{ path: "./usr/bin/hello", data: "good\n", mode: 0o755 }]);
const evilTar = writeTar([{ path: "./usr/bin/hello", data: "evil\n", mode: 0o755 }]);

async function setup(name: string) {
  const cache = new BlobCache(join(dir, name));
  const deb = writeDeb(control, goodTar);
  const sha256 = sha256Hex(deb);
  const path = await cache.write(sha256, deb);
  const debs = [{ path, sha256, name: "hello_1_amd64.deb" }];
  const [first] = await unpackDebs(debs, cache);
  assert.ok(first!.dataTar.equals(goodTar));
  const entries = readdirSync(join(cache.root, "derived", "deb-tars"), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
  const dataEntry = entries.find((p) => readFileSync(p).subarray(-goodTar.length).equals(goodTar));
  assert.ok(dataEntry, "the data tar is cached");
  return { cache, deb, path, debs, entries, dataEntry };
}

test("a decompressed data tar rewritten in the cache is not used: the .deb is unpacked again", async () => {
  const { cache, debs, dataEntry } = await setup("tar");
  // The attacker keeps whatever header the entry had and swaps the tar behind it.
  const old = readFileSync(dataEntry);
  writeFileSync(dataEntry, Buffer.concat([old.subarray(0, old.length - goodTar.length), evilTar]));
  const [again] = await unpackDebs(debs, cache);
  assert.ok(!again!.dataTar.equals(evilTar), "the forged tar was unpacked");
  assert.ok(again!.dataTar.equals(goodTar));
  assert.ok(readFileSync(dataEntry).subarray(-goodTar.length).equals(goodTar), "the entry is made again");
  // A plain tar without any header is refused the same way.
  writeFileSync(dataEntry, evilTar);
  assert.ok((await unpackDebs(debs, cache))[0]!.dataTar.equals(goodTar));
});

test("a .deb swapped in the cache (and its cached tars removed) fails closed, never unpacked", async () => {
  const { cache, debs, path, entries } = await setup("deb");
  for (const e of entries) rmSync(e);
  writeFileSync(path, writeDeb(control, evilTar));
  await assert.rejects(unpackDebs(debs, cache), { code: "feed.checksum-mismatch" });
});
