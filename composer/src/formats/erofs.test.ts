import assert from "node:assert/strict";
import {
  closeSync,
  ftruncateSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BrokkrError } from "../errors.ts";
import { Tree } from "../rootfs/tree.ts";
import { type ErofsEntry, erofsEntriesFromTree, layoutErofs, writeErofs } from "./erofs.ts";
import { runTool } from "./test-helpers.ts";
import { goldenMismatch } from "../errata/goldens.ts";

process.env.TZ = "UTC"; // dump.erofs prints times in local time

const T = 1_700_000_000;
const UUID = "6c1e0f4a-9b2d-4e7f-8a31-0d5c2b7e9f10";
const work = mkdtempSync(join(tmpdir(), "brokkr-erofs-"));
after(() => rmSync(work, { recursive: true, force: true }));

function e(
  path: string,
  kind: ErofsEntry["kind"],
  mode: number,
  extra: Partial<ErofsEntry> = {},
): ErofsEntry {
  return { path, kind, mode, uid: 0, gid: 0, mtime: T, ...extra };
}

/** Deterministic bytes that do not repeat within a block. */
function bytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const nested = ["a", "a/b", "a/b/c", "a/b/c/d", "a/b/c/d/e", "a/b/c/d/e/f"];
const manyNames = Array.from(
  { length: 300 },
  (_, i) => `entry-${String(i).padStart(3, "0")}-${"x".repeat(i % 40)}`,
);
manyNames.push("!bang", "-dash", "ünïcødé", "Zebra");

const fixture: ErofsEntry[] = [
  e("", "dir", 0o755),
  e("bin", "symlink", 0o777, { target: "usr/bin" }),
  e("dev", "dir", 0o755),
  e("dev/console", "char", 0o600, { devMajor: 5, devMinor: 1 }),
  e("dev/null", "char", 0o666, { devMajor: 1, devMinor: 3 }),
  e("dev/bigminor", "char", 0o600, { devMajor: 4, devMinor: 300 }),
  e("dev/vda", "block", 0o660, { devMajor: 254, devMinor: 0, gid: 6 }),
  e("dev/initctl", "fifo", 0o600),
  e("dev/log", "socket", 0o666),
  e("etc", "dir", 0o755),
  e("etc/empty", "file", 0o644),
  e("etc/hostname", "file", 0o644, { data: Buffer.from("brokkr\n") }),
  e("etc/shadow", "file", 0o640, { gid: 42, data: Buffer.from("root:*:19000::::::\n") }),
  e("home", "dir", 0o755),
  e("home/nobody", "dir", 0o700, { uid: 65534, gid: 65534 }),
  e("home/nobody/.profile", "file", 0o644, { uid: 65534, gid: 65534, data: Buffer.from("PS1='$ '\n") }),
  e("home/big", "dir", 0o750, { uid: 100000, gid: 100000 }),
  e("home/big/notes", "file", 0o600, { uid: 100000, gid: 100000, data: Buffer.from("hi\n") }),
  e("srv", "dir", 0o755),
  e("srv/shared", "dir", 0o2775, { gid: 1000 }),
  e("tmp", "dir", 0o1777),
  e("usr", "dir", 0o755),
  e("usr/bin", "dir", 0o755),
  e("usr/bin/ash", "hardlink", 0o755, { target: "usr/bin/busybox" }),
  e("usr/bin/busybox", "file", 0o755, { data: bytes(9000, 1) }),
  e("usr/bin/sh", "symlink", 0o777, { target: "busybox" }),
  e("usr/bin/sudo", "file", 0o4755, { data: Buffer.from("sudo\n") }),
  e("usr/sbin", "dir", 0o755),
  e("usr/sbin/hush", "hardlink", 0o755, { target: "/usr/bin/busybox" }),
  e("usr/lib", "dir", 0o755),
  e("usr/lib/big.bin", "file", 0o644, { data: bytes(5 * 4096 + 1234, 2) }),
  e("usr/lib/exact.bin", "file", 0o644, { data: bytes(3 * 4096, 3) }),
  e("usr/lib/wide-tail.bin", "file", 0o644, { data: bytes(4096 + 4080, 4) }),
  e("usr/lib/pieces.bin", "file", 0o644, { data: [bytes(5000, 5), Buffer.alloc(0), bytes(3000, 6)] }),
  e("usr/lib/old.txt", "file", 0o644, { mtime: 86400, data: Buffer.from("old\n") }),
  e("usr/share", "dir", 0o755),
  e("usr/share/long-link", "symlink", 0o777, { target: `../${"long/".repeat(60)}end` }),
  e("usr/share/longest-link", "symlink", 0o777, { target: `${"x/".repeat(2047)}x` }),
  e("usr/share/many", "dir", 0o755),
  ...manyNames.map((name, i) =>
    e(`usr/share/many/${name}`, "file", 0o644, {
      data: bytes((i * 37) % 5000, i),
      mtime: T - (i % 50 === 0 ? i : 0),
    }),
  ),
  ...nested.map((p) => e(p, "dir", 0o755)),
  e("a/b/c/d/e/f/deep.txt", "file", 0o644, { data: Buffer.from("deep\n") }),
];

const image = Buffer.concat([...writeErofs(fixture, { uuid: UUID, label: "brokkr-root" })]);
const imagePath = join(work, "fixture.erofs");
writeFileSync(imagePath, image);

const byPath = new Map(fixture.map((x) => [x.path, x]));
function metaOf(entry: ErofsEntry): ErofsEntry {
  return entry.kind === "hardlink" ? byPath.get(entry.target!.replace(/^\//, ""))! : entry;
}
function dataOf(entry: ErofsEntry): Buffer {
  const data = metaOf(entry).data ?? Buffer.alloc(0);
  return Buffer.isBuffer(data) ? data : Buffer.concat(data);
}

interface DumpInode {
  size: number;
  nid: number;
  links: number;
  layout: number;
  inodeSize: number;
  uid: number;
  gid: number;
  access: number;
  timestamp: string;
}

function dumpPath(path: string, img = imagePath): DumpInode {
  const r = runTool("dump.erofs", [`--path=${path}`, img]);
  const out = r.stdout.toString();
  assert.equal(r.status, 0, out + r.stderr);
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
  return {
    size: num(/^Size: (\d+)/m),
    nid: num(/^NID: (\d+)/m),
    links: num(/Links: (\d+)/),
    layout: num(/Layout: (\d+)/),
    inodeSize: num(/^Inode size: (\d+)/m),
    uid: num(/^Uid: (\d+)/m),
    gid: num(/Gid: (\d+)/),
    access: Number.parseInt(/Access: ([0-7]+)/.exec(out)?.[1] ?? "", 8),
    timestamp: /^Timestamp: (.*)$/m.exec(out)?.[1] ?? "",
  };
}

/** `dump.erofs --ls`: [name, nid, EROFS_FT_* type] in on-disk order. */
function listDir(path: string): [string, number, number][] {
  const r = runTool("dump.erofs", ["--ls", `--path=${path}`, imagePath]);
  const out = r.stdout.toString();
  assert.equal(r.status, 0, out + r.stderr);
  const table = out.slice(out.indexOf("FILENAME\n") + "FILENAME\n".length);
  return table
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const m = /^\s*(\d+)\s+(\d+)\s{2}(.*)$/.exec(l)!;
      return [m[3]!, Number(m[1]), Number(m[2])];
    });
}

function walk(root: string, rel = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, rel))) {
    const p = rel === "" ? name : `${rel}/${name}`;
    out.push(p);
    if (lstatSync(join(root, p)).isDirectory()) out.push(...walk(root, p));
  }
  return out;
}

test("fsck.erofs passes and extracts every path with its contents, mode and mtime", () => {
  const check = runTool("fsck.erofs", [imagePath]);
  assert.equal(check.status, 0, check.stdout.toString() + check.stderr);
  assert.doesNotMatch(check.stderr, /err|corrupt/i);

  // Owners are checked through dump.erofs: fsck's lchown after chmod would drop the setuid bit.
  const dir = join(work, "extract");
  const r = runTool("fsck.erofs", [`--extract=${dir}`, "--no-preserve-owner", "--preserve-perms", imagePath]);
  assert.equal(r.status, 0, r.stdout.toString() + r.stderr);
  // Without root, fsck skips device nodes (mknod needs CAP_MKNOD) and says so.
  const root = process.getuid?.() === 0;
  const devices = fixture.filter((x) => x.kind === "char" || x.kind === "block").map((x) => x.path);
  const expected = fixture
    .map((x) => x.path)
    .filter((p) => p !== "" && (root || !devices.includes(p)))
    .sort();
  assert.deepEqual(walk(dir).sort(), expected);

  for (const entry of fixture) {
    if (!root && devices.includes(entry.path)) continue;
    const meta = metaOf(entry);
    const path = join(dir, entry.path);
    const st = lstatSync(path);
    assert.equal(st.mtimeMs / 1000, meta.mtime, `mtime of ${entry.path}`);
    if (meta.kind !== "symlink") assert.equal(st.mode & 0o7777, meta.mode, `mode of ${entry.path}`);
    switch (meta.kind) {
      case "file":
        assert.ok(st.isFile());
        assert.ok(readFileSync(path).equals(dataOf(entry)), `contents of ${entry.path}`);
        break;
      case "dir":
        assert.ok(st.isDirectory());
        break;
      case "symlink":
        assert.equal(readlinkSync(path), meta.target);
        break;
      case "fifo":
        assert.ok(st.isFIFO());
        break;
      case "socket":
        assert.ok(st.isSocket());
        break;
      case "char":
      case "block":
        assert.ok(meta.kind === "char" ? st.isCharacterDevice() : st.isBlockDevice());
        assert.equal(
          st.rdev,
          (meta.devMajor! << 8) | (meta.devMinor! & 0xff) | ((meta.devMinor! & ~0xff) << 12),
        );
        break;
    }
  }
});

test("dump.erofs reads the superblock: size, root, inode count, epoch, features, uuid", () => {
  const r = runTool("dump.erofs", ["-s", imagePath]);
  const out = r.stdout.toString();
  assert.equal(r.status, 0, out + r.stderr);
  const field = (name: string) => new RegExp(`^Filesystem ${name}:\\s+(.*)$`, "m").exec(out)?.[1]?.trim();
  assert.equal(field("magic number"), "0xE0F5E1E2");
  assert.equal(Number(field("blocks")) * 4096, image.length);
  assert.equal(field("root nid"), "36");
  const inodes = new Set(fixture.map(metaOf)).size;
  assert.equal(Number(field("inode count")), inodes);
  assert.equal(field("created"), "Tue Nov 14 22:13:20 2023");
  assert.equal(field("features"), "mtime"); // no checksum, no incompatible features
  assert.equal(field("UUID"), UUID);
  assert.equal(image.readUInt32LE(1024 + 80), 0, "feature_incompat");
});

test("dump.erofs shows owners, links, sizes, layouts and inode forms", () => {
  const notes = dumpPath("/home/big/notes");
  assert.deepEqual([notes.uid, notes.gid, notes.inodeSize, notes.access], [100000, 100000, 64, 0o600]);
  const profile = dumpPath("/home/nobody/.profile");
  assert.deepEqual([profile.uid, profile.gid, profile.inodeSize], [65534, 65534, 32]);
  assert.equal(profile.timestamp, "2023-11-14 22:13:20.000000000");
  assert.equal(dumpPath("/dev/vda").gid, 6);
  assert.equal(dumpPath("/etc/shadow").gid, 42);
  assert.equal(dumpPath("/srv/shared").gid, 1000);

  // Hard links: one inode, three names.
  const [busybox, ash, hush] = ["/usr/bin/busybox", "/usr/bin/ash", "/usr/sbin/hush"].map((p) => dumpPath(p));
  assert.equal(ash!.nid, busybox!.nid);
  assert.equal(hush!.nid, busybox!.nid);
  assert.equal(busybox!.links, 3);

  // Layout 2 = blocks + inline tail, 0 = blocks only.
  const layouts: [string, number, number][] = [
    ["/usr/lib/big.bin", 5 * 4096 + 1234, 2],
    ["/usr/lib/exact.bin", 3 * 4096, 0],
    ["/usr/lib/wide-tail.bin", 4096 + 4080, 0],
    ["/usr/lib/pieces.bin", 8000, 2],
    ["/etc/hostname", 7, 2],
    ["/etc/empty", 0, 0],
    ["/usr/share/long-link", 3 + 5 * 60 + 3, 2],
    ["/usr/share/longest-link", 4095, 0], // 32 + 4095 bytes do not fit in a block
  ];
  for (const [path, size, layout] of layouts) {
    const d = dumpPath(path);
    assert.deepEqual([d.size, d.layout], [size, layout], path);
  }

  const old = dumpPath("/usr/lib/old.txt");
  assert.equal(old.inodeSize, 64, "an mtime other than the epoch needs the extended inode");
  assert.equal(old.timestamp, "1970-01-02 00:00:00.000000000");
  assert.equal(dumpPath("/usr/share/many/entry-050-xxxxxxxxxx").timestamp, "2023-11-14 22:12:30.000000000");

  // Directories: 2 + subdirectories links; the big one spans several blocks.
  const rootDirs = fixture.filter((x) => x.kind === "dir" && x.path !== "" && !x.path.includes("/")).length;
  assert.equal(dumpPath("/").links, 2 + rootDirs);
  assert.equal(dumpPath("/usr").links, 2 + 4);
  const many = dumpPath("/usr/share/many");
  assert.ok(many.size > 3 * 4096, `many/ is ${many.size} bytes`);
  assert.equal(many.links, 2);
});

test("dump.erofs lists directories in byte order with . and .. and the right types", () => {
  const many = listDir("/usr/share/many");
  const names = many.map(([name]) => name);
  const sorted = [".", "..", ...manyNames].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  assert.deepEqual(names, sorted);
  assert.equal(names[0], "!bang", "names may sort before '.'");
  const manyNid = dumpPath("/usr/share/many").nid;
  assert.equal(many.find(([n]) => n === ".")![1], manyNid);
  assert.equal(many.find(([n]) => n === "..")![1], dumpPath("/usr/share").nid);

  const types = Object.fromEntries(listDir("/dev").map(([name, , type]) => [name, type]));
  assert.deepEqual(types, { ".": 2, "..": 2, bigminor: 3, console: 3, initctl: 5, log: 6, null: 3, vda: 4 });
  const top = Object.fromEntries(listDir("/").map(([name, nid, type]) => [name, [nid, type]]));
  assert.deepEqual(top["bin"]![1], 7);
  assert.deepEqual(top["."], [36, 2]);
  assert.deepEqual(top[".."], [36, 2]);
  assert.equal(dumpPath("/a/b/c/d/e/f/deep.txt").size, 5);
});

test("same input, same bytes: in any input order, and a golden hash", () => {
  const again = Buffer.concat([...writeErofs(fixture, { uuid: UUID, label: "brokkr-root" })]);
  assert.ok(again.equals(image));
  const shuffled = fixture
    .map((x, i) => [(i * 7919) % fixture.length, x] as const)
    .sort((a, b) => a[0] - b[0]);
  const reordered = Buffer.concat([
    ...writeErofs(
      shuffled.map(([, x]) => x),
      { uuid: UUID, label: "brokkr-root" },
    ),
  ]);
  assert.ok(reordered.equals(image));
  assert.equal(layoutErofs(fixture).sizeBytes, image.length);
  assert.equal(goldenMismatch("formats/erofs: a fixed tree", image), undefined);
});

test("a file over 4 GiB gets an extended inode and its data is passed through", () => {
  const mib = Buffer.alloc(1024 * 1024);
  const pieces = [...Array.from({ length: 4096 }, () => mib), Buffer.from("end")];
  const entries = [e("", "dir", 0o755), e("huge", "file", 0o644, { data: pieces })];
  const path = join(work, "huge.erofs");
  let passedThrough = 0;
  const fd = openSync(path, "w");
  let pos = 0;
  try {
    for (const chunk of writeErofs(entries)) {
      if (chunk === mib) passedThrough++;
      else writeSync(fd, chunk, 0, chunk.length, pos); // the zero MiBs stay holes
      pos += chunk.length;
    }
    ftruncateSync(fd, pos);
  } finally {
    closeSync(fd);
  }
  assert.equal(passedThrough, 4096);
  const check = runTool("fsck.erofs", [path]);
  assert.equal(check.status, 0, check.stdout.toString() + check.stderr);
  const huge = dumpPath("/huge", path);
  assert.deepEqual([huge.size, huge.inodeSize, huge.layout], [2 ** 32 + 3, 64, 2]);
  assert.equal(dumpPath("/", path).inodeSize, 32);
});

test("more than 65535 links need the extended inode", () => {
  const links = Array.from({ length: 65536 }, (_, i) => e(`l/${i}`, "hardlink", 0o644, { target: "f" }));
  const entries = [
    e("", "dir", 0o755),
    e("f", "file", 0o644, { data: Buffer.from("x") }),
    e("l", "dir", 0o755),
  ];
  const path = join(work, "links.erofs");
  writeFileSync(path, Buffer.concat([...writeErofs([...entries, ...links])]));
  const r = runTool("fsck.erofs", [path]);
  assert.equal(r.status, 0, r.stdout.toString() + r.stderr);
  const f = dumpPath("/f", path);
  assert.deepEqual([f.links, f.inodeSize], [65537, 64]);
  assert.equal(dumpPath("/l/65535", path).nid, f.nid);
});

test("a rootfs Tree goes in as it is, hard links included", () => {
  const tree = new Tree({ sourceDateEpoch: T });
  tree.writeFile("usr/bin/busybox", Buffer.from("#!busybox\n"), { mode: 0o755 });
  tree.add({
    path: "usr/bin/ash",
    kind: "hardlink",
    target: "usr/bin/busybox",
    mode: 0o755,
    uid: 0,
    gid: 0,
    mtime: T,
  });
  tree.symlink("usr/bin/sh", "busybox");
  tree.add({
    path: "dev/tty",
    kind: "char",
    mode: 0o666,
    uid: 0,
    gid: 5,
    mtime: T,
    devMajor: 5,
    devMinor: 0,
  });
  tree.writeFile("home/user/.bashrc", Buffer.from("set -o vi\n"), { uid: 1000, gid: 1000 });
  const path = join(work, "tree.erofs");
  writeFileSync(path, Buffer.concat([...writeErofs(erofsEntriesFromTree(tree))]));
  const r = runTool("fsck.erofs", [path]);
  assert.equal(r.status, 0, r.stdout.toString() + r.stderr);
  const ash = dumpPath("/usr/bin/ash", path);
  assert.equal(ash.nid, dumpPath("/usr/bin/busybox", path).nid);
  assert.equal(ash.links, 2);
  assert.equal(dumpPath("/home/user/.bashrc", path).uid, 1000);
  assert.equal(dumpPath("/dev/tty", path).gid, 5);
});

test("refuses what EROFS or a tree cannot hold, saying what is wrong", () => {
  const cases: [ErofsEntry[], RegExp][] = [
    [[e("a/b", "file", 0o644)], /no root directory/],
    [[e("", "dir", 0o755), e("a/b", "file", 0o644)], /parent of "a\/b" is missing/],
    [[e("", "dir", 0o755), e("a", "file", 0o644), e("a/b", "file", 0o644)], /parent of "a\/b" is a file/],
    [[e("", "dir", 0o755), e("a", "file", 0o644), e("a", "file", 0o644)], /duplicate path/],
    [
      [e("", "dir", 0o755), e("d", "dir", 0o755), e("h", "hardlink", 0o644, { target: "d" })],
      /points at a directory/,
    ],
    [[e("", "dir", 0o755), e("h", "hardlink", 0o644, { target: "nope" })], /not among the entries/],
    [[e("", "dir", 0o755), e("x".repeat(256), "file", 0o644)], /longer than 255 bytes/],
    [[e("", "dir", 0o755), e("l", "symlink", 0o777, { target: "y".repeat(4096) })], /target of 4096 bytes/],
    [[e("", "dir", 0o755), e("/abs", "file", 0o644)], /bad path/],
    [[e("", "dir", 0o755), e("m", "file", 0o100644)], /only permission bits/],
    [[e("", "dir", 0o755), e("c", "char", 0o600, { devMajor: 4096 })], /device "c"/],
    [[e("", "dir", 0o755, { uid: -1 })], /uid -1/],
  ];
  for (const [entries, message] of cases) {
    assert.throws(
      () => layoutErofs(entries),
      (err) => err instanceof BrokkrError && message.test(err.message),
      String(message),
    );
  }
  assert.throws(() => layoutErofs([e("", "dir", 0o755)], { uuid: "nope" }), /not a UUID/);
  assert.throws(() => layoutErofs([e("", "dir", 0o755)], { label: "x".repeat(17) }), /longer than 16 bytes/);
});
