// Against the real mirror named by the host's apt sources (or BROKKR_MIRROR): needs network.

import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BrokkrError } from "../src/errors.ts";
import {
  BlobCache,
  fetchBytes,
  fetchRelease,
  findMirror,
  loadPackages,
  readKeyring,
} from "../src/feeds/debian/index.ts";
import { verifyCleartext } from "../src/feeds/debian/release.ts";
import { getSettings } from "../src/settings/index.ts";

const keyring = getSettings().keyring;
const dir = mkdtempSync(join(tmpdir(), "brokkr-e2e-feed-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("trixie's InRelease verifies with the host keyring; a changed Date line does not", async () => {
  // Every build needs the keyring and setup.sh installs it: its absence is a failure, not a skip.
  assert.ok(existsSync(keyring), `no archive keyring at ${keyring} (install debian-archive-keyring)`);
  const mirror = findMirror();
  const release = await fetchRelease(mirror, "trixie", { keyring });
  assert.equal(release.codename, "trixie");
  assert.ok(
    release.files.has("main/binary-amd64/Packages.gz") || release.files.has("main/binary-amd64/Packages.xz"),
  );
  assert.ok(release.files.size > 100);

  const signed = (await fetchBytes(`${mirror}/dists/trixie/InRelease`)).toString("utf8");
  const forged = signed.replace(/^Date: .*$/m, "Date: Sat, 01 Jan 2000 00:00:00 UTC");
  assert.notEqual(forged, signed);
  await assert.rejects(
    verifyCleartext(forged, await readKeyring(keyring), "forged"),
    (e: unknown) => e instanceof BrokkrError && e.code === "feed.signature",
  );
});

test("trixie main amd64 loads and has libc6", async () => {
  // Every build needs the keyring and setup.sh installs it: its absence is a failure, not a skip.
  assert.ok(existsSync(keyring), `no archive keyring at ${keyring} (install debian-archive-keyring)`);
  const pkgs = await loadPackages({
    mirror: findMirror(),
    suite: "trixie",
    components: ["main"],
    arch: "x86_64",
    cache: new BlobCache(join(dir, "cache")),
    keyring,
  });
  assert.ok(pkgs.length > 50_000, `only ${pkgs.length} packages`);
  const libc = pkgs.find((p) => p.package === "libc6");
  assert.ok(libc && /^[0-9a-f]{64}$/.test(libc.sha256) && libc.filename.startsWith("pool/main/"));
});
