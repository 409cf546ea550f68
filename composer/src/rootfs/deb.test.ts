import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { BrokkrError } from "../errors.ts";
import { writeAr, writeDeb, writeTar } from "./deb-fixture.ts";
import { parseControl, readDeb, readDebData, unpackDebMembers } from "./deb.ts";
import type { TarEntry } from "./tar.ts";
import { Tree } from "./tree.ts";

const isInvalid = (e: unknown) => e instanceof BrokkrError && e.code === "deb.invalid";
const isRoot = process.getuid?.() === 0;
const longDoc = `usr/share/doc/brokkr-fixture/${"deep/".repeat(16)}notes.txt`; // > 100 bytes

const control = `Package: brokkr-fixture
Version: 1.0-1
Architecture: all
Maintainer: Brokkr Tests <tests@example.invalid>
Description: a package built by the test suite
 It has a long description.
 .
 With a paragraph break.
`;

function hasDpkgDeb(): boolean {
  try {
    execFileSync("dpkg-deb", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function put(root: string, path: string, text: string, mode = 0o644): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  chmodSync(join(root, path), mode);
}

/** A package tree with every feature the unpacker must keep. */
function makePackageDir(root: string): void {
  put(root, "DEBIAN/control", control);
  put(root, "DEBIAN/conffiles", "/etc/fixture.conf\n");
  put(root, "DEBIAN/postinst", "#!/bin/sh\nexit 0\n", 0o755);
  put(root, "etc/fixture.conf", "key=value\n");
  put(root, "bin/hello", "#!/bin/sh\necho hello\n", 0o755);
  put(root, "usr/bin/suid-tool", "suid\n", 0o4755);
  linkSync(join(root, "usr/bin/suid-tool"), join(root, "usr/bin/zz-hardlink"));
  put(root, "lib/x86_64-linux-gnu/libfoo.so.1", "ELF\n");
  symlinkSync("libfoo.so.1", join(root, "lib/x86_64-linux-gnu/libfoo.so"));
  symlinkSync("/usr/bin/suid-tool", join(root, "etc/fixture-alt"));
  put(root, longDoc, "long\n");
  mkdirSync(join(root, "var/local/shared"), { recursive: true });
  chmodSync(join(root, "var/local/shared"), 0o2775);
  if (isRoot) chownSync(join(root, "var/local/shared"), 0, 50);
}

/** `dpkg-deb -c` mode string for an entry, e.g. "-rwsr-xr-x". */
function modeString(e: TarEntry): string {
  const types = { file: "-", dir: "d", symlink: "l", hardlink: "h", char: "c", block: "b", fifo: "p" };
  const m = e.mode;
  const bit = (b: number, c: string) => (m & b ? c : "-");
  const special = (s: number, x: number, on: string) =>
    m & s ? (m & x ? on : on.toUpperCase()) : bit(x, "x");
  return (
    types[e.type] +
    bit(0o400, "r") +
    bit(0o200, "w") +
    special(0o4000, 0o100, "s") +
    bit(0o40, "r") +
    bit(0o20, "w") +
    special(0o2000, 0o10, "s") +
    bit(0o4, "r") +
    bit(0o2, "w") +
    special(0o1000, 0o1, "t")
  );
}

/** Our entries rendered like `dpkg-deb -c` lines, minus the date column. */
function listLike(e: TarEntry): string {
  let name = e.path;
  if (e.type === "symlink") name += ` -> ${e.linkname}`;
  if (e.type === "hardlink") name += ` link to ${e.linkname}`;
  return `${modeString(e)} ${e.uname}/${e.gname} ${e.size} ${name}`;
}

function dpkgListing(debPath: string): string[] {
  const out = execFileSync("dpkg-deb", ["-c", debPath]).toString().trimEnd().split("\n");
  return out.map((line) => {
    const m = /^(\S+) (\S+)\s+(\d+) \S+ \S+ (.*)$/.exec(line);
    assert.ok(m, `unexpected dpkg-deb -c line ${line}`);
    return `${m[1]} ${m[2]} ${m[3]} ${m[4]}`;
  });
}

describe("readDeb", () => {
  for (const compression of ["gzip", "xz", "zstd", "none"] as const) {
    it(`matches dpkg-deb for a package built with -Z${compression}`, async (t) => {
      if (!hasDpkgDeb()) return t.skip("dpkg-deb is not installed");
      const dir = mkdtempSync(join(tmpdir(), "brokkr-deb-"));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      makePackageDir(join(dir, "pkg"));
      const debPath = join(dir, "fixture.deb");
      execFileSync("dpkg-deb", [`-Z${compression}`, "--build", join(dir, "pkg"), debPath], {
        stdio: "ignore",
      });
      const buf = readFileSync(debPath);

      const deb = await readDeb(buf, "fixture.deb");
      assert.deepEqual(deb.data.map(listLike), dpkgListing(debPath));
      const fields = [...deb.control].map(([k, v]) => `${k}: ${v}`).join("\n");
      assert.equal(`${fields}\n`, execFileSync("dpkg-deb", ["-f", debPath]).toString());
      assert.equal(deb.control.get("package"), "brokkr-fixture", "field names ignore case");
      assert.equal(deb.controlFiles.get("conffiles")?.toString(), "/etc/fixture.conf\n");
      assert.match(deb.controlFiles.get("postinst")?.toString() ?? "", /^#!\/bin\/sh/);

      const ext = { gzip: ".gz", xz: ".xz", zstd: ".zst", none: "" }[compression];
      const members = unpackDebMembers(buf, "fixture.deb");
      assert.equal(members.dataTar.name, `data.tar${ext}`);
      assert.equal(members.dataTar.kind, { gzip: "gz", xz: "xz", zstd: "zst", none: "none" }[compression]);
      assert.deepEqual(
        (await readDebData(buf, "fixture.deb")).map((e) => e.path),
        deb.data.map((e) => e.path),
      );

      const tree = new Tree({ sourceDateEpoch: 1_700_000_000 });
      tree.createMergedUsr("amd64");
      tree.addFromTar(deb.data, { owner: "brokkr-fixture" });
      assert.equal(tree.get("usr/bin/hello")?.kind, "file", "bin/hello lands in usr/bin");
      assert.equal(tree.get("bin/hello")?.path, "usr/bin/hello");
      assert.equal(tree.get("bin")?.kind, "symlink");
      assert.deepEqual(tree.get("usr/lib/x86_64-linux-gnu/libfoo.so")?.target, "libfoo.so.1");
      assert.equal(tree.get("etc/fixture-alt")?.target, "/usr/bin/suid-tool");
      assert.equal(tree.get("usr/bin/suid-tool")?.mode, 0o4755);
      assert.deepEqual(
        [tree.get("usr/bin/zz-hardlink")?.kind, tree.get("usr/bin/zz-hardlink")?.target],
        ["hardlink", "usr/bin/suid-tool"],
      );
      const shared = tree.get("var/local/shared")!;
      assert.deepEqual([shared.mode, shared.gid], [0o2775, isRoot ? 50 : shared.gid]);
      assert.equal(tree.get(longDoc)?.data?.toString(), "long\n");
      const dpkgPaths = dpkgListing(debPath).map((l) => {
        const p = l.split(" ")[3]!.replace(/\/$/, "").slice(1);
        return p === "" ? "/." : p;
      });
      assert.deepEqual(tree.filesOf("brokkr-fixture"), dpkgPaths);
    });
  }

  it("refuses a .deb whose data escapes the root with ..", async () => {
    const evil = writeDeb(
      control,
      writeTar([
        { path: "./", flag: "5", mode: 0o755 },
        { path: "./../../etc/passwd", data: "root::0:0::/:/bin/sh\n" },
      ]),
    );
    const deb = await readDeb(evil, "evil.deb");
    assert.equal(deb.data[1]?.path, "./../../etc/passwd", "the tar layer reports the path as stored");
    const tree = new Tree();
    assert.throws(() => tree.addFromTar(deb.data, { owner: "evil" }), isInvalid);
    assert.equal(tree.has("etc/passwd"), false);
  });

  it("rejects broken packages with the package and member named", async () => {
    const dataTar = writeTar([{ path: "./f", data: "x".repeat(5000) }]);
    const good = writeDeb(control, dataTar, "gz");
    assert.equal((await readDeb(good, "good.deb")).data.length, 1);
    const members = unpackDebMembers(good);
    const debianBinary = { name: "debian-binary", data: Buffer.from("2.0\n") };
    const control_ = { name: "control.tar.gz", data: members.controlTar.bytes };
    const data = { name: "data.tar.gz", data: members.dataTar.bytes };

    const v3 = writeAr([{ name: "debian-binary", data: Buffer.from("3.0\n") }, control_, data]);
    await assert.rejects(readDeb(v3, "v3.deb"), /v3\.deb: unsupported format version "3\.0"/);
    await assert.rejects(readDeb(writeAr([debianBinary, control_]), "nodata.deb"), /no data\.tar/);
    await assert.rejects(readDeb(writeAr([debianBinary, data, control_]), "order.deb"), /unexpected member/);
    const bz2 = writeAr([debianBinary, control_, { name: "data.tar.bz2", data: data.data }]);
    await assert.rejects(readDeb(bz2, "bz2.deb"), /unsupported compression \.bz2/);
    const flipped = Buffer.from(data.data);
    flipped[flipped.length >> 1]! ^= 0x20;
    await assert.rejects(
      readDeb(writeAr([debianBinary, control_, { name: "data.tar.gz", data: flipped }]), "bad.deb"),
      (e) => {
        return isInvalid(e) && /^bad\.deb: data\.tar\.gz: corrupt gz data/.test((e as Error).message);
      },
    );
    const extra = writeAr([debianBinary, control_, data, { name: "_gpgorigin", data: Buffer.from("sig") }]);
    assert.equal((await readDeb(extra, "extra.deb")).data.length, 1, "members starting with _ are ignored");
  });
});

describe("parseControl", () => {
  it("keeps order and continuation lines, and refuses a second stanza", () => {
    const fields = parseControl("Package: a\nDepends: b,\n  c\n\n");
    assert.deepEqual([...fields.keys()], ["Package", "Depends"]);
    assert.equal(fields.get("DEPENDS"), "b,\n  c");
    assert.throws(() => parseControl("Package: a\n\nPackage: b\n"), /more than one stanza/);
    assert.throws(() => parseControl(" continued\n"), /continuation line/);
    assert.throws(() => parseControl("Package: a\npackage: b\n"), /duplicate field/);
  });
});
