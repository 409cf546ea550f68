import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BrokkrError } from "../errors.ts";
import type { TarEntry } from "./tar.ts";
import { Tree } from "./tree.ts";
import { compareBytes, normalizePath } from "./tree-paths.ts";

const isCode = (code: string) => (e: unknown) => e instanceof BrokkrError && e.code === code;

/** A tar entry with defaults, as readTar would give it. */
function entry(path: string, more: Partial<TarEntry> = {}): TarEntry {
  const type = more.type ?? (path.endsWith("/") ? "dir" : "file");
  const data = more.data ?? Buffer.from(type === "file" ? `data of ${path}` : "");
  return {
    path,
    type,
    mode: type === "dir" ? 0o755 : type === "symlink" ? 0o777 : 0o644,
    uid: 0,
    gid: 0,
    uname: "root",
    gname: "root",
    mtime: 1_000,
    size: data.length,
    data,
    linkname: "",
    devmajor: 0,
    devminor: 0,
    ...more,
  };
}

const link = (path: string, target: string) => entry(path, { type: "symlink", linkname: target });
const hard = (path: string, target: string) => entry(path, { type: "hardlink", linkname: target });

describe("Tree", () => {
  it("starts merged-/usr and rewrites bin/, sbin/, lib/ paths into usr/", () => {
    const tree = new Tree();
    assert.deepEqual(
      tree.nodes().map((n) => `${n.path}${n.target ? ` -> ${n.target}` : ""}`),
      ["", "bin -> usr/bin", "lib -> usr/lib", "sbin -> usr/sbin", "usr", "usr/bin", "usr/lib", "usr/sbin"],
    );
    assert.equal(tree.has("lib64"), false, "lib64 only comes with createMergedUsr(arch)");
    tree.addFromTar(
      [
        entry("./"),
        entry("./bin/"),
        entry("./bin/sh", { mode: 0o755 }),
        entry("./lib/x86_64-linux-gnu/"),
        entry("./lib/x86_64-linux-gnu/libc.so.6"),
      ],
      { owner: "base" },
    );
    assert.equal(tree.get("bin")?.kind, "symlink", "a package's ./bin/ directory keeps the link");
    assert.equal(tree.get("usr/bin/sh")?.mode, 0o755);
    assert.equal(tree.get("bin/sh")?.path, "usr/bin/sh");
    assert.equal(tree.get("lib/x86_64-linux-gnu/libc.so.6")?.path, "usr/lib/x86_64-linux-gnu/libc.so.6");
    assert.deepEqual(tree.filesOf("base"), [
      "/.",
      "/bin",
      "/bin/sh",
      "/lib/x86_64-linux-gnu",
      "/lib/x86_64-linux-gnu/libc.so.6",
    ]);

    tree.createMergedUsr("amd64");
    assert.equal(tree.get("lib64")?.target, "usr/lib64");
    assert.equal(tree.get("usr/lib64")?.kind, "dir");
    // base-files ships the links itself; they must not turn into loops.
    tree.addFromTar([link("./bin", "usr/bin"), link("./lib64", "usr/lib64")], { owner: "base-files" });
    assert.equal(tree.get("bin")?.target, "usr/bin");
    assert.equal(tree.get("bin")?.owner, "base-files");
    const arm = new Tree();
    arm.addFromTar([entry("./lib64/ld.so")], { owner: "x" });
    assert.equal(arm.get("lib64")?.target, "usr/lib64", "a path under lib64/ makes the link on demand");
    assert.equal(arm.get("usr/lib64/ld.so")?.kind, "file");
  });

  it("resolves parents through relative and absolute symlinks, with a loop limit", () => {
    const tree = new Tree();
    tree.addFromTar(
      [
        entry("./run/"),
        entry("./var/"),
        link("./var/run", "/run"),
        entry("./var/run/foo.pid"),
        entry("./usr/lib/real/"),
        link("./usr/lib/alias", "../lib/./real"),
        entry("./usr/lib/alias/thing"),
        link("./usr/lib/alias/self", "thing"),
      ],
      { owner: "p" },
    );
    assert.equal(tree.get("run/foo.pid")?.kind, "file");
    assert.equal(tree.get("var/run/foo.pid")?.path, "run/foo.pid");
    assert.equal(tree.get("usr/lib/real/thing")?.kind, "file");
    assert.equal(tree.get("usr/lib/real/self")?.target, "thing", "the final symlink is not followed");
    assert.equal(tree.has("usr/lib/alias/thing"), true);
    assert.equal(tree.get("var/run")?.kind, "symlink");
    // A directory entry over a symlink to a directory keeps the symlink, as dpkg does.
    tree.addFromTar([entry("./var/run/")], { owner: "q" });
    assert.equal(tree.get("var/run")?.kind, "symlink");

    tree.symlink("a", "b");
    tree.symlink("b", "/a");
    assert.throws(() => tree.writeFile("a/x", Buffer.from("")), isCode("rootfs.conflict"));
  });

  it("refuses .. in any path", () => {
    const tree = new Tree();
    assert.throws(
      () => tree.addFromTar([entry("./usr/../../etc/shadow")], { owner: "x" }),
      isCode("deb.invalid"),
    );
    assert.throws(
      () => tree.addFromTar([entry("./etc/"), hard("./etc/x", "../../x")], { owner: "x" }),
      isCode("deb.invalid"),
    );
    assert.throws(() => tree.writeFile("../x", Buffer.from("")), isCode("deb.invalid"));
    assert.equal(normalizePath("./usr//bin/./ls/"), "usr/bin/ls");
    assert.equal(normalizePath("/etc/a..b"), "etc/a..b", "dots inside a name are fine");
  });

  it("keeps the first explicit directory metadata, but lets an entry set an implicit directory", () => {
    const tree = new Tree({ sourceDateEpoch: 500 });
    tree.addFromTar([entry("./etc/ssh/sshd_config")], { owner: "a" }); // parents made implicitly
    assert.equal(tree.get("etc")?.mode, 0o755);
    tree.addFromTar([entry("./etc/", { mode: 0o750, gid: 4 }), entry("./etc/", { mode: 0o700 })], {
      owner: "b",
    });
    assert.deepEqual([tree.get("etc")?.mode, tree.get("etc")?.gid, tree.get("etc")?.owner], [0o750, 4, "b"]);
    assert.equal(tree.get("etc/ssh/sshd_config")?.mtime, 500, "mtimes are clamped to SOURCE_DATE_EPOCH");
    tree.addFromTar([entry("./", { mode: 0o700 })], { owner: "base" });
    assert.equal(tree.get("")?.mode, 0o700, "the first ./ entry sets the root");
  });

  it("lets a later package replace a file, and records it", () => {
    const tree = new Tree();
    tree.addFromTar([entry("./usr/bin/tool", { data: Buffer.from("old") })], { owner: "old-pkg" });
    tree.addFromTar([entry("./usr/bin/tool", { data: Buffer.from("new") })], { owner: "new-pkg" });
    assert.equal(tree.get("usr/bin/tool")?.data?.toString(), "new");
    assert.deepEqual(tree.replacements, [{ path: "usr/bin/tool", from: "old-pkg", to: "new-pkg" }]);
    assert.throws(() => tree.writeFile("usr/bin", Buffer.from("")), isCode("rootfs.conflict"));
    assert.throws(
      () => tree.addFromTar([entry("./usr/bin/tool/")], { owner: "x" }),
      isCode("rootfs.conflict"),
    );
  });

  it("keeps hard links after their targets and survives removing the target", () => {
    const tree = new Tree();
    tree.addFromTar(
      [
        entry("./bin/gzip", { mode: 0o755, data: Buffer.from("gzip!") }),
        hard("./bin/gunzip", "./bin/gzip"),
        hard("./bin/a-zcat", "bin/gzip"),
        entry("./usr/bin/b"),
      ],
      { owner: "gzip" },
    );
    assert.equal(tree.get("usr/bin/gunzip")?.target, "usr/bin/gzip", "targets are mapped like paths");
    const order = tree.nodes().map((n) => n.path);
    assert.deepEqual(order.slice(-2), ["usr/bin/a-zcat", "usr/bin/gunzip"]);
    assert.ok(order.indexOf("usr/bin/gzip") < order.indexOf("usr/bin/a-zcat"));
    assert.throws(
      () => tree.add({ path: "x", kind: "hardlink", target: "nope", mode: 0, uid: 0, gid: 0, mtime: 0 }),
      isCode("deb.invalid"),
    );

    assert.equal(tree.remove("bin/gzip"), true);
    const heir = tree.get("usr/bin/a-zcat")!;
    assert.deepEqual([heir.kind, heir.data?.toString()], ["file", "gzip!"]);
    assert.equal(tree.get("usr/bin/gunzip")?.target, "usr/bin/a-zcat");
    assert.equal(tree.remove("usr/bin/nothing"), false);
  });

  it("orders nodes parents first, then by UTF-8 bytes", () => {
    const tree = new Tree({ mergedUsr: false });
    for (const p of ["a-b/x", "a/b", "a/b/c", "é", "\u{1F600}", "\uFFFD", "Z"])
      tree.writeFile(`${p}/f`, Buffer.from(""));
    const paths = tree.nodes().map((n) => n.path);
    assert.deepEqual(
      paths,
      [...paths].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))),
    );
    assert.ok(paths.indexOf("a") < paths.indexOf("a/b") && paths.indexOf("a/b") < paths.indexOf("a/b/c"));
    assert.ok(compareBytes("\uFFFD", "\u{1F600}") < 0, "U+FFFD sorts before an astral character in UTF-8");
  });

  it("offers the small API configure steps use", () => {
    const tree = new Tree({ sourceDateEpoch: 42 });
    tree.mkdirp("etc/systemd/system", 0o700);
    assert.equal(tree.get("etc/systemd")?.mode, 0o700);
    tree.writeFile("/etc/hostname", Buffer.from("box\n"), { mode: 0o600, uid: 1000, gid: 1000 });
    const host = tree.get("etc/hostname")!;
    assert.deepEqual([host.mode, host.uid, host.gid, host.mtime], [0o600, 1000, 1000, 42]);
    tree.symlink("etc/localtime", "/usr/share/zoneinfo/UTC");
    tree.symlink("etc/localtime", "/usr/share/zoneinfo/Europe/Oslo");
    assert.equal(tree.get("etc/localtime")?.target, "/usr/share/zoneinfo/Europe/Oslo");
    tree.add({
      path: "dev/null",
      kind: "char",
      mode: 0o666,
      uid: 0,
      gid: 0,
      mtime: 0,
      devMajor: 1,
      devMinor: 3,
    });
    assert.equal(tree.get("dev/null")?.devMinor, 3);
    assert.equal(tree.remove("etc"), true);
    assert.equal(tree.has("etc/hostname"), false);
    assert.equal(
      tree.nodes().some((n) => n.path.startsWith("etc")),
      false,
    );
    assert.throws(() => tree.mkdirp("dev/null/x"), isCode("rootfs.conflict"));
  });
});
