import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BrokkrError } from "../errors.ts";
import type { TreeNode } from "./tree-node.ts";
import { writeCpio } from "./cpio.ts";
import { goldenMismatch } from "../errata/goldens.ts";

const T = 1_700_000_000;
const big = Buffer.alloc(100_003, 0);
for (let i = 0; i < big.length; i += 997) big[i] = i % 251;

function node(path: string, kind: TreeNode["kind"], mode: number, extra: Partial<TreeNode> = {}): TreeNode {
  return { path, kind, mode, uid: 0, gid: 0, mtime: T, ...extra };
}

// Sorted order, so the hard link "bin/ash" comes before the file it links to.
const tree: TreeNode[] = [
  node("", "dir", 0o755),
  node("bin", "dir", 0o755),
  node("bin/ash", "hardlink", 0o755, { target: "bin/busybox" }),
  node("bin/busybox", "file", 0o755, { data: Buffer.from("#!busybox\n") }),
  node("bin/hush", "hardlink", 0o755, { target: "bin/busybox" }),
  node("bin/sh", "symlink", 0o777, { target: "busybox" }),
  node("dev", "dir", 0o755),
  node("dev/console", "char", 0o600, { devMajor: 5, devMinor: 1 }),
  node("dev/vda", "block", 0o660, { devMajor: 254, devMinor: 0, gid: 6 }),
  node("etc", "dir", 0o755),
  node("etc/empty", "file", 0o644),
  node("etc/hostname", "file", 0o644, { data: Buffer.from("brokkr\n") }),
  node("home", "dir", 0o755),
  node("home/user", "dir", 0o700, { uid: 1000, gid: 1000 }),
  node("run", "dir", 0o755),
  node("run/initctl", "fifo", 0o600),
  node("tmp", "dir", 0o1777),
  node("usr", "dir", 0o755),
  node("usr/bin", "dir", 0o755),
  node("usr/bin/sudo", "file", 0o4755, { data: Buffer.from("sudo") }),
  node("usr/lib", "dir", 0o755),
  node("usr/lib/big.bin", "file", 0o644, { data: big }),
];

const archive = Buffer.concat([...writeCpio(tree)]);

interface Header {
  name: string;
  ino: number;
  mode: number;
  nlink: number;
  size: number;
}

/** A minimal reader of our own, to look at fields GNU cpio does not print. */
function parseHeaders(buf: Buffer): Header[] {
  const out: Header[] = [];
  let off = 0;
  for (;;) {
    assert.equal(buf.toString("latin1", off, off + 6), "070701");
    const field = (i: number) =>
      Number.parseInt(buf.toString("latin1", off + 6 + i * 8, off + 14 + i * 8), 16);
    const nameSize = field(11);
    const name = buf.toString("utf8", off + 110, off + 110 + nameSize - 1);
    const size = field(6);
    out.push({ name, ino: field(0), mode: field(1), nlink: field(4), size });
    off += 110 + nameSize;
    off += (4 - (off % 4)) % 4;
    off += size + ((4 - (size % 4)) % 4);
    if (name === "TRAILER!!!") break;
  }
  assert.equal(off, buf.length, "nothing after the trailer");
  return out;
}

test("golden sha256 of a fixed tree", () => {
  assert.equal(goldenMismatch("formats/cpio: a fixed tree", archive), undefined);
});

test("hard links share an inode, only the last member carries the data", () => {
  const h = parseHeaders(archive);
  const by = new Map(h.map((x) => [x.name, x]));
  const ash = by.get("bin/ash")!;
  const busybox = by.get("bin/busybox")!;
  const hush = by.get("bin/hush")!;
  assert.equal(ash.ino, busybox.ino);
  assert.equal(hush.ino, busybox.ino);
  assert.deepEqual([ash.nlink, busybox.nlink, hush.nlink], [3, 3, 3]);
  assert.deepEqual([ash.size, busybox.size, hush.size], [0, 0, 10]);
  assert.equal(ash.mode, 0o100755);
  // Inodes are numbered in input order; the root is ".", dirs count their subdirectories.
  assert.deepEqual(
    h.slice(0, 3).map((x) => [x.name, x.ino]),
    [
      [".", 1],
      ["bin", 2],
      ["bin/ash", 3],
    ],
  );
  assert.equal(by.get("bin/sh")!.ino, 4);
  assert.equal(by.get(".")!.nlink, 2 + 7);
  assert.equal(by.get("usr")!.nlink, 4);
  assert.equal(h.at(-1)!.name, "TRAILER!!!");
});

test("large file data is yielded without a copy, small pieces are batched", () => {
  const chunks = [...writeCpio(tree)];
  assert.ok(chunks.includes(big), "the big Buffer itself is a chunk");
  assert.ok(chunks.length < 6, `few chunks (${chunks.length})`);
});

test("GNU cpio lists names, modes, owners, devices and symlink targets", () => {
  const r = spawnSync("cpio", ["-tv", "--quiet"], { input: archive, encoding: "utf8" });
  if (r.error) return assert.fail(`cpio not runnable: ${r.error.message}`);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  // mode, links, user, group, size or "major, minor", month, day, year, name
  const names = lines.map((l) => l.replace(/^(\S+\s+){3}\S+\s+(\d+,\s+)?\d+\s+\S+\s+\d+\s+\S+\s/, ""));
  assert.deepEqual(names, [
    ".",
    "bin",
    "bin/ash",
    "bin/busybox",
    "bin/hush",
    "bin/sh -> busybox",
    "dev",
    "dev/console",
    "dev/vda",
    "etc",
    "etc/empty",
    "etc/hostname",
    "home",
    "home/user",
    "run",
    "run/initctl",
    "tmp",
    "usr",
    "usr/bin",
    "usr/bin/sudo",
    "usr/lib",
    "usr/lib/big.bin",
  ]);
  const line = (name: string) => lines[names.indexOf(name)]!.split(/\s+/);
  assert.deepEqual(line("bin/busybox").slice(0, 4), ["-rwxr-xr-x", "3", "root", "root"]);
  assert.deepEqual(line("dev/console").slice(0, 6), ["crw-------", "1", "root", "root", "5,", "1"]);
  assert.equal(line("dev/vda")[0], "brw-rw----");
  assert.equal(line("run/initctl")[0], "prw-------");
  assert.equal(line("tmp")[0], "drwxrwxrwt");
  assert.equal(line("usr/bin/sudo")[0], "-rwsr-xr-x");
  assert.equal(line("bin/sh -> busybox")[0], "lrwxrwxrwx");
  const numeric = spawnSync("cpio", ["-tvn", "--quiet"], { input: archive, encoding: "utf8" });
  const userLine = numeric.stdout.split("\n").find((l) => l.endsWith(" home/user"))!;
  assert.deepEqual(userLine.split(/\s+/).slice(0, 4), ["drwx------", "2", "1000", "1000"]);
  const rootLine = numeric.stdout.split("\n").find((l) => l.endsWith(" etc/hostname"))!;
  assert.deepEqual(rootLine.split(/\s+/).slice(2, 4), ["0", "0"]);
});

test("GNU cpio extracts the tree: contents, symlinks, a shared inode", () => {
  const dir = mkdtempSync(join(tmpdir(), "brokkr-cpio-"));
  try {
    // Device nodes are left out so the check also runs without root; the listing covers them.
    const r = spawnSync("cpio", ["-id", "--quiet", "--no-absolute-filenames", "-f", "dev/*"], {
      input: archive,
      cwd: dir,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    const ash = lstatSync(join(dir, "bin/ash"));
    const busybox = lstatSync(join(dir, "bin/busybox"));
    assert.equal(ash.ino, busybox.ino);
    assert.equal(busybox.nlink, 3);
    assert.equal(readFileSync(join(dir, "bin/hush"), "utf8"), "#!busybox\n");
    assert.equal(readlinkSync(join(dir, "bin/sh")), "busybox");
    assert.equal(readFileSync(join(dir, "etc/empty")).length, 0);
    assert.equal(readFileSync(join(dir, "etc/hostname"), "utf8"), "brokkr\n");
    assert.ok(readFileSync(join(dir, "usr/lib/big.bin")).equals(big));
    assert.equal(lstatSync(join(dir, "usr/bin/sudo")).mode & 0o7777, 0o4755);
    assert.ok(lstatSync(join(dir, "run/initctl")).isFIFO());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("rejects a child before its parent and a dangling hard link", () => {
  const orphan = [node("a/b", "file", 0o644)];
  assert.throws(
    () => [...writeCpio(orphan)],
    (e) => e instanceof BrokkrError && /before its parent/.test(e.message),
  );
  const dangling = [node("x", "hardlink", 0o644, { target: "nope" })];
  assert.throws(
    () => [...writeCpio(dangling)],
    (e) => e instanceof BrokkrError && /not in the tree/.test(e.message),
  );
});

test("a hard link to a symlink becomes a copy with its own inode", () => {
  const h = parseHeaders(
    Buffer.concat([
      ...writeCpio([
        node("l", "symlink", 0o777, { target: "t" }),
        node("m", "hardlink", 0o777, { target: "l" }),
      ]),
    ]),
  );
  assert.deepEqual(
    h.slice(0, 2).map((x) => [x.ino, x.mode, x.nlink, x.size]),
    [
      [1, 0o120777, 1, 1],
      [2, 0o120777, 1, 1],
    ],
  );
});
