import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { BrokkrError } from "../errors.ts";
import { readAr } from "./ar.ts";
import { writeAr } from "./deb-fixture.ts";

const isInvalid = (e: unknown) => e instanceof BrokkrError && e.code === "deb.invalid";

describe("readAr", () => {
  it("reads dpkg's common format, with odd sizes padded, without copying", () => {
    const members = [
      { name: "debian-binary", data: Buffer.from("2.0\n") },
      { name: "control.tar.gz", data: Buffer.from("odd") },
      { name: "data.tar.xz", data: Buffer.alloc(0) },
    ];
    const buf = writeAr(members);
    const read = readAr(buf, "x.deb");
    assert.deepEqual(
      read.map((m) => [m.name, m.data.toString()]),
      members.map((m) => [m.name, m.data.toString()]),
    );
    assert.equal(read[1]!.data.buffer, buf.buffer, "members are views into the archive");
  });

  it("reads GNU archives with a long-name table, as binutils ar writes them", (t) => {
    const dir = mkdtempSync(join(tmpdir(), "brokkr-ar-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const files: Record<string, string> = {
      "short.o": "a",
      "a-rather-long-member-name.tar.xz": "bb",
      "another-long-member-name-here.bin": "ccc\n",
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    try {
      execFileSync("ar", ["rcS", "lib.a", ...Object.keys(files)], { cwd: dir });
    } catch {
      return t.skip("binutils ar is not installed");
    }
    const read = readAr(readFileSync(join(dir, "lib.a")), "lib.a");
    assert.deepEqual(Object.fromEntries(read.map((m) => [m.name, m.data.toString()])), files);
  });

  it("reads BSD #1/<len> names", () => {
    const name = "a-long-bsd-member-name.txt";
    const data = Buffer.from("hello");
    const header = `#1/${name.length}`.padEnd(16) + "0".padEnd(24) + "644".padEnd(8);
    const size = String(name.length + data.length).padEnd(10);
    const buf = Buffer.concat([Buffer.from(`!<arch>\n${header}${size}\`\n${name}`), data, Buffer.from("\n")]);
    const [m] = readAr(buf, "bsd.a");
    assert.equal(m?.name, name);
    assert.equal(m?.data.toString(), "hello");
  });

  it("rejects what is not a whole ar archive, naming it", () => {
    assert.throws(
      () => readAr(Buffer.from("PK\x03\x04 not ar"), "zip.deb"),
      (e: unknown) => {
        return isInvalid(e) && (e as Error).message.startsWith("zip.deb:");
      },
    );
    const good = writeAr([{ name: "debian-binary", data: Buffer.from("2.0\n") }]);
    assert.throws(() => readAr(good.subarray(0, good.length - 2), "cut.deb"), isInvalid);
    const badMagic = Buffer.from(good);
    badMagic[8 + 58] = 0x41; // the "`\n" that ends each header
    assert.throws(() => readAr(badMagic, "bad.deb"), isInvalid);
  });
});
