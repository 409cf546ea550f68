import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { BrokkrError } from "../errors.ts";
import { paxRecord, writeTar } from "./deb-fixture.ts";
import { readTar, type TarEntry } from "./tar.ts";

const isInvalid = (e: unknown) => e instanceof BrokkrError && e.code === "deb.invalid";
const isRoot = process.getuid?.() === 0;
const longPath = `d/${"x".repeat(60)}/${"y".repeat(70)}.txt`; // 135 bytes: past ustar's 100
const longTarget = `../${"z".repeat(120)}`;

/** A directory with every kind of entry a .deb may hold. */
function makeTree(dir: string): { hasDevice: boolean } {
  mkdirSync(join(dir, "d", "x".repeat(60)), { recursive: true });
  writeFileSync(join(dir, "d/setuid"), "suid\n");
  chmodSync(join(dir, "d/setuid"), 0o4755);
  writeFileSync(join(dir, longPath), "long\n");
  writeFileSync(join(dir, "d/héllo-ü.txt"), "utf8\n");
  symlinkSync("setuid", join(dir, "d/rel"));
  symlinkSync("/usr/bin/env", join(dir, "d/abs"));
  symlinkSync(longTarget, join(dir, "d/longlink"));
  linkSync(join(dir, "d/setuid"), join(dir, "d/zhard"));
  execFileSync("mkfifo", [join(dir, "d/fifo")]);
  mkdirSync(join(dir, "sg"));
  chmodSync(join(dir, "sg"), 0o2775);
  if (isRoot) chownSync(join(dir, "sg"), 0, 50);
  let hasDevice = false;
  if (isRoot) {
    try {
      execFileSync("mknod", [join(dir, "d/null"), "c", "1", "3"], { stdio: "ignore" });
      hasDevice = true;
    } catch {
      // no CAP_MKNOD in this container
    }
  }
  return { hasDevice };
}

function byPath(entries: TarEntry[]): Map<string, TarEntry> {
  return new Map(entries.map((e) => [e.path, e]));
}

describe("readTar", () => {
  for (const format of ["gnu", "pax", "ustar"] as const) {
    it(`reads what GNU tar writes in ${format} format`, (t) => {
      const dir = mkdtempSync(join(tmpdir(), "brokkr-tar-"));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const { hasDevice } = makeTree(dir);
      // ustar cannot hold a 123-byte link target.
      const exclude = format === "ustar" ? ["--exclude=./d/longlink"] : [];
      const tar = execFileSync(
        "tar",
        [`--format=${format}`, "--sort=name", ...exclude, "-C", dir, "-cf", "-", "."],
        {
          maxBuffer: 1 << 26,
        },
      );
      const entries = byPath(readTar(tar, `fixture.${format}.tar`));
      const suid = entries.get("./d/setuid")!;
      assert.equal(suid.type, "file");
      assert.equal(suid.mode, 0o4755);
      assert.equal(suid.data.toString(), "suid\n");
      assert.equal(suid.data.buffer, tar.buffer, "file data is a view into the archive");
      assert.equal(entries.get(`./${longPath}`)?.data.toString(), "long\n");
      assert.equal(entries.get("./d/héllo-ü.txt")?.data.toString(), "utf8\n");
      assert.deepEqual(
        [entries.get("./d/rel")?.type, entries.get("./d/rel")?.linkname],
        ["symlink", "setuid"],
      );
      assert.equal(entries.get("./d/abs")?.linkname, "/usr/bin/env");
      if (format !== "ustar") assert.equal(entries.get("./d/longlink")?.linkname, longTarget);
      const hard = entries.get("./d/zhard")!;
      assert.deepEqual([hard.type, hard.linkname, hard.size], ["hardlink", "./d/setuid", 0]);
      assert.equal(entries.get("./d/fifo")?.type, "fifo");
      const sg = entries.get("./sg/")!;
      assert.deepEqual([sg.type, sg.mode], ["dir", 0o2775]);
      if (isRoot) assert.equal(sg.gid, 50);
      if (hasDevice) {
        const dev = entries.get("./d/null")!;
        assert.deepEqual([dev.type, dev.devmajor, dev.devminor], ["char", 1, 3]);
      }
    });
  }

  it("reads GNU base-256 and pax numbers (huge ids, far and negative mtimes)", (t) => {
    const dir = mkdtempSync(join(tmpdir(), "brokkr-tar-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "f"), "x");
    for (const [format, mtime] of [
      ["gnu", 99_999_999_999],
      ["gnu", -100],
      ["pax", 99_999_999_999],
    ] as const) {
      const tar = execFileSync("tar", [
        `--format=${format}`,
        "--owner=big:3000000",
        "--group=big:3000001",
        `--mtime=@${mtime}`,
        "-C",
        dir,
        "-cf",
        "-",
        "f",
      ]);
      const [e] = readTar(tar, "big.tar");
      assert.deepEqual([e?.uid, e?.gid, e?.mtime, e?.uname], [3_000_000, 3_000_001, mtime, "big"], format);
    }
  });

  it("applies pax globals, per-file pax records and GNU long names", () => {
    const long = `usr/share/${"n".repeat(150)}`;
    const tar = writeTar([
      {
        path: "pax_global_header",
        flag: "g",
        data: paxRecord("uname", "globaluser") + paxRecord("mtime", "5"),
      },
      { path: "./a", data: "A" },
      {
        path: "PaxHeaders/b",
        flag: "x",
        data: paxRecord("path", long) + paxRecord("mtime", "1234.5678") + paxRecord("uid", "70000"),
      },
      { path: "./ignored-short-name", data: "B" },
      { path: "./c", data: "C" },
      { path: "././@LongLink", flag: "L", data: `./${"l".repeat(120)}\0` },
      { path: "././@LongLink", flag: "K", data: `${"t".repeat(130)}\0` },
      { path: "./short", flag: "2", linkname: "short-target" },
    ]);
    const [a, b, c, d] = readTar(tar, "own.tar");
    assert.deepEqual([a?.path, a?.uname, a?.mtime], ["./a", "globaluser", 5]);
    assert.deepEqual([b?.path, b?.mtime, b?.uid, b?.data.toString()], [long, 1234, 70000, "B"]);
    assert.deepEqual([c?.path, c?.uid, c?.mtime], ["./c", 0, 5], "per-file records apply to one entry only");
    assert.deepEqual([d?.path, d?.type, d?.linkname], [`./${"l".repeat(120)}`, "symlink", "t".repeat(130)]);
  });

  it("rejects bad headers, naming the archive member", () => {
    const name = "foo_1.0_amd64.deb: data.tar.xz";
    assert.throws(
      () =>
        readTar(
          writeTar([
            { path: "./ok", data: "1" },
            { path: "./bad", data: "2", badChecksum: true },
          ]),
          name,
        ),
      (e: unknown) =>
        isInvalid(e) &&
        /foo_1\.0_amd64\.deb: data\.tar\.xz: bad tar header checksum/.test((e as Error).message),
    );
    const good = writeTar([{ path: "./f", data: Buffer.alloc(2000, 1) }]);
    assert.throws(() => readTar(good.subarray(0, 1024), name), isInvalid, "data past the end");
    assert.throws(() => readTar(good.subarray(0, 700), name), isInvalid, "partial block");
    assert.throws(
      () => readTar(writeTar([{ path: "./sparse", flag: "S" }]), name),
      /unsupported tar entry type/,
    );
    const octal = writeTar([{ path: "./f", data: "x" }]);
    octal.write("9", 100, "latin1"); // mode digit 9, then fix the checksum so only the field is wrong
    octal.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of octal.subarray(0, 512)) sum += byte;
    octal.write(`${sum.toString(8).padStart(6, "0")}\0`, 148, "latin1");
    assert.throws(() => readTar(octal, name), /bad numeric field/);
    assert.throws(
      () => readTar(writeTar([{ path: "x", flag: "x", data: "99 path=broken\n" }]), name),
      /malformed pax/,
    );
  });

  it("ends at the zero blocks and accepts an archive without them", () => {
    const tar = writeTar([{ path: "./f", data: "x" }]);
    assert.equal(readTar(Buffer.concat([tar, Buffer.from("trailing junk after the end")])).length, 1);
    assert.equal(readTar(tar.subarray(0, 1024)).length, 1);
    assert.equal(readTar(Buffer.alloc(0)).length, 0);
  });
});
