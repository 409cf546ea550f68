import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { BrokkrError } from "../errors.ts";
import { buildModuleElf } from "./elf-fixture.ts";
import { readModinfo, readModuleSymbols } from "./modinfo.ts";

const modinfo = [
  "alias=virtio:d00000001v*",
  "alias=pci:v00001AF4d00001000sv*sd*bc*sc*i*",
  "depends=net_failover,virtio_ring",
  "license=GPL",
  "vermagic=6.1.0-28-amd64 SMP preempt mod_unload modversions ",
  "description=Virtio network driver: key=value inside",
];

const layouts = [
  { bits: 64, endian: "le" },
  { bits: 32, endian: "be" },
  { bits: 64, endian: "be" },
  { bits: 32, endian: "le" },
] as const;

describe("readModinfo", () => {
  for (const layout of layouts) {
    it(`reads .modinfo from ELF${layout.bits} ${layout.endian.toUpperCase()}`, () => {
      const info = readModinfo(buildModuleElf({ ...layout, modinfo }), "virtio_net.ko");
      assert.deepEqual(info.get("depends"), ["net_failover,virtio_ring"]);
      assert.deepEqual(info.get("alias"), ["virtio:d00000001v*", "pci:v00001AF4d00001000sv*sd*bc*sc*i*"]);
      assert.deepEqual(info.get("vermagic"), ["6.1.0-28-amd64 SMP preempt mod_unload modversions "]);
      assert.deepEqual(info.get("description"), ["Virtio network driver: key=value inside"]);
      assert.equal(info.size, 5);
    });
  }

  it("gives an empty depends= as an empty value", () => {
    const info = readModinfo(
      buildModuleElf({ bits: 64, endian: "le", modinfo: ["depends=", "intree=Y"] }),
      "x.ko",
    );
    assert.deepEqual(info.get("depends"), [""]);
    assert.deepEqual(info.get("intree"), ["Y"]);
  });

  it("refuses a file that is not ELF", () => {
    assert.throws(
      () => readModinfo(Buffer.from("\x28\xb5\x2f\xfd compressed, not ELF"), "foo.ko.zst"),
      (e: unknown) =>
        e instanceof BrokkrError && e.code === "kernel.invalid" && e.message.includes("foo.ko.zst"),
    );
  });

  it("reports a cut-short module as a BrokkrError, not a RangeError", () => {
    const whole = buildModuleElf({ bits: 64, endian: "le", modinfo });
    for (const cut of [whole.subarray(0, 2), whole.subarray(0, whole.length - 100)]) {
      assert.throws(
        () => readModinfo(cut, "virtio_net.ko"),
        (e: unknown) => e instanceof BrokkrError && e.code === "kernel.invalid",
        `${cut.length} bytes`,
      );
    }
  });

  for (const layout of layouts) {
    it(`reads exported and needed symbols from ELF${layout.bits} ${layout.endian.toUpperCase()}`, () => {
      for (const crcs of [false, true]) {
        const elf = buildModuleElf({ ...layout, modinfo, exports: ["a_fn", "b_fn"], crcs, needs: ["printk", "weak:c_fn"] });
        assert.deepEqual(readModuleSymbols(elf, "m.ko"), { exports: ["a_fn", "b_fn"], needs: ["printk", "c_fn"] });
      }
    });
  }

  it("builds fixtures that binutils reads the same way", (t) => {
    if (!existsSync("/usr/bin/readelf")) {
      t.skip("readelf (binutils) not installed");
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "brokkr-elf-"));
    try {
      for (const layout of layouts) {
        const file = join(dir, `m${layout.bits}${layout.endian}.ko`);
        writeFileSync(file, buildModuleElf({ ...layout, modinfo }));
        const header = execFileSync("readelf", ["-h", file], { encoding: "utf8" });
        assert.match(header, new RegExp(`Class:\\s+ELF${layout.bits}`));
        assert.match(header, layout.endian === "le" ? /little endian/ : /big endian/);
        const dump = execFileSync("readelf", ["-p", ".modinfo", file], { encoding: "utf8" });
        assert.match(dump, /depends=net_failover,virtio_ring/, `${layout.bits} ${layout.endian}`);
        writeFileSync(file, buildModuleElf({ ...layout, modinfo, exports: ["a_fn"], crcs: true, needs: ["weak:c_fn"] }));
        const syms = execFileSync("readelf", ["-sW", file], { encoding: "utf8" });
        assert.match(syms, /LOCAL\s+DEFAULT\s+1 __crc_a_fn$/m);
        assert.match(syms, /GLOBAL\s+DEFAULT\s+1 a_fn$/m);
        assert.match(syms, /WEAK\s+DEFAULT\s+UND c_fn$/m);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
