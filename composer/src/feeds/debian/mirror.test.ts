import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BrokkrError } from "../../errors.ts";
import { findMirror, parseOneLineSources, readAptSources } from "./mirror.ts";

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** Writes an apt dir: keys are paths relative to it. */
function aptDir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "brokkr-apt-"));
  roots.push(root);
  mkdirSync(join(root, "sources.list.d"));
  for (const [p, text] of Object.entries(files)) writeFileSync(join(root, p), text);
  return root;
}

const keyring = "/usr/share/keyrings/debian-archive-keyring.gpg";

test("BROKKR_MIRROR wins and loses its trailing slash", () => {
  const dir = aptDir({ "sources.list": "deb http://other.example/debian trixie main\n" });
  assert.equal(findMirror({ mirror: "http://env.example/debian//" }, dir), "http://env.example/debian");
});

test("deb822: skips the security stanza and comments, picks the archive", () => {
  const dir = aptDir({
    "sources.list.d/debian.sources": [
      "Types: deb",
      "# URIs: http://commented.example/archive/debian/20250520T000000Z",
      "URIs: http://mirror.example/debian/",
      "Suites: bookworm bookworm-updates",
      "Components: main",
      `Signed-By: ${keyring}`,
      "",
      "Types: deb",
      "URIs: http://mirror.example/debian-security",
      "Suites: bookworm-security",
      "Components: main",
      `Signed-By: ${keyring}`,
      "",
    ].join("\n"),
  });
  assert.equal(findMirror({ mirror: undefined }, dir), "http://mirror.example/debian");
});

test("security stanza first, then archive: the archive still wins", () => {
  const dir = aptDir({
    "sources.list.d/a.sources": `Types: deb\nURIs: http://sec.example/debian-security\nSuites: trixie-security\nSigned-By: ${keyring}\n`,
    "sources.list.d/b.sources": `Types: deb-src deb\nURIs: http://mirror.example/debian\nSuites: trixie\nComponents: main\nSigned-By: ${keyring}\n`,
  });
  assert.equal(findMirror({ mirror: undefined }, dir), "http://mirror.example/debian");
});

test("third-party repos (other keyring), deb-src only, Enabled: no and *.disabled* files are skipped", () => {
  const dir = aptDir({
    "sources.list.d/aaa.sources":
      "Types: deb\nURIs: https://vendor.example/node\nSuites: nodistro\nSigned-By: /usr/share/keyrings/vendor.gpg\n",
    "sources.list.d/ab.list": "deb-src http://src.example/debian trixie main\n",
    "sources.list.d/ac.sources": `Enabled: no\nTypes: deb\nURIs: http://off.example/debian\nSuites: trixie\nSigned-By: ${keyring}\n`,
    "sources.list.d/ad.list.disabled-by-admin": "deb http://disabled.example/debian trixie main\n",
    "sources.list.d/ae.sources.disabled": `Types: deb\nURIs: http://disabled2.example/debian\nSuites: trixie\nSigned-By: ${keyring}\n`,
    "sources.list.d/zz.sources": `Types: deb\nURIs: http://mirror.example/debian\nSuites: trixie\nSigned-By: ${keyring}\n`,
  });
  assert.equal(findMirror({ mirror: undefined }, dir), "http://mirror.example/debian");
});

test("one-line sources.list with options and no Signed-By: a Debian suite is enough", () => {
  const dir = aptDir({
    "sources.list": [
      "# deb http://commented.example/debian trixie main",
      "deb [arch=amd64] http://vendor.example/apt cloud-sdk main",
      "deb http://security.example/debian-security bookworm-security main",
      "deb [arch=amd64,arm64 trusted=yes] http://mirror.example/debian/ bookworm main contrib # trailing",
    ].join("\n"),
  });
  assert.equal(findMirror({ mirror: undefined }, dir), "http://mirror.example/debian");
});

test("one-line signed-by option decides", () => {
  const dir = aptDir({
    "sources.list.d/x.list": [
      "deb [signed-by=/usr/share/keyrings/vendor.gpg] http://vendor.example/debian trixie main",
      `deb [ signed-by=${keyring} ] http://mirror.example/debian stable main`,
    ].join("\n"),
  });
  assert.equal(findMirror({ mirror: undefined }, dir), "http://mirror.example/debian");
});

test("parseOneLineSources keeps all components and the signed-by option", () => {
  const [s] = parseOneLineSources(
    `deb [signed-by=${keyring} arch=amd64] http://m.example/debian sid main contrib non-free`,
  );
  assert.deepEqual(s?.components, ["main", "contrib", "non-free"]);
  assert.equal(s?.signedBy, keyring);
  assert.equal(s?.suites[0], "sid");
});

test("sources.list is read before sources.list.d, which is read in name order", () => {
  const dir = aptDir({
    "sources.list": "deb http://first.example/debian trixie main\n",
    "sources.list.d/b.list": "deb http://third.example/debian trixie main\n",
    "sources.list.d/a.list": "deb http://second.example/debian trixie main\n",
  });
  assert.deepEqual(
    readAptSources(dir).map((s) => s.uris[0]),
    ["http://first.example/debian", "http://second.example/debian", "http://third.example/debian"],
  );
  assert.equal(findMirror({ mirror: undefined }, dir), "http://first.example/debian");
});

test("nothing usable → feed.mirror-unknown with a hint naming BROKKR_MIRROR", () => {
  const dir = aptDir({ "sources.list.d/v.list": "deb http://vendor.example/ubuntu jammy main\n" });
  assert.throws(
    () => findMirror({ mirror: undefined }, dir),
    (e: unknown) =>
      e instanceof BrokkrError &&
      e.code === "feed.mirror-unknown" &&
      (e.hint ?? "").includes("BROKKR_MIRROR"),
  );
  assert.throws(
    () => findMirror({ mirror: undefined }, join(dir, "missing")),
    (e: unknown) => e instanceof BrokkrError && e.code === "feed.mirror-unknown",
  );
});
