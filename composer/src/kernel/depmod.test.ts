import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { BrokkrError } from "../errors.ts";
import { getSettings } from "../settings/index.ts";
import { buildModuleIndexes, normalizeAlias, pathToModname } from "./depmod.ts";
import { buildModuleElf, type ElfOptions } from "./elf-fixture.ts";

const release = "6.1.0-28-amd64";
const sbin = (tool: string) =>
  ["/usr/sbin", "/sbin", "/usr/bin", "/bin"].map((d) => join(d, tool)).find(existsSync);
/** BROKKR_DEPMOD runs the comparison against another kmod's depmod, e.g. the guest's. */
const depmod = getSettings().testDepmod ?? sbin("depmod");
const modprobe = sbin("modprobe");
const modinfo = sbin("modinfo");
const hasXz = existsSync("/usr/bin/xz");

/** The host's kmod version: its depmod lays tries out children-first before 34, and writes modules.weakdep from 33. */
const hostKmod = depmod
  ? Number(/kmod version (\d+)/.exec(execFileSync(depmod, ["--version"], { encoding: "utf8" }))?.[1])
  : 0;

const ko = (o: Omit<ElfOptions, "bits" | "endian">) => buildModuleElf({ bits: 64, endian: "le", ...o });
const many = Array.from({ length: 60 }, (_, i) => `base_sym_${i}`);

/** A module tree that exercises every index: symbol deps, aliases, soft/weak deps, devname, built-ins. */
function fixture(): { path: string; data: Buffer }[] {
  const xz = (data: Buffer) => (hasXz ? execFileSync("xz", ["-c", "--check=crc32"], { input: data }) : data);
  return [
    {
      path: "kernel/lib/base.ko",
      data: ko({
        modinfo: ["alias=base-thing", "license=GPL"],
        exports: ["base_fn", "base_util", "shared_sym", ...many],
        crcs: true,
        needs: ["printk"],
      }),
    },
    {
      path: hasXz ? "kernel/lib/mid-a.ko.xz" : "kernel/lib/mid-a.ko",
      data: xz(
        ko({
          modinfo: ["softdep=pre: base post: mid_b", "depends=base"],
          exports: ["mid_a_fn"],
          needs: ["base_fn", "printk"],
        }),
      ),
    },
    {
      path: "kernel/lib/mid_b.ko",
      data: ko({
        modinfo: ["depends=base,mid_a"],
        exports: ["mid_b_fn"],
        needs: ["base_util", "weak:mid_a_fn"],
      }),
    },
    {
      path: "kernel/drivers/net/top.ko",
      data: ko({
        modinfo: [
          "alias=pci:v00001AF4d00001000sv*sd*bc*sc*i*",
          "weakdep=mid_b",
          "alias=virtio:d00000001v*",
          "alias=of:N*T*Cfoo[-_]bar-baz",
          "alias=broken]-alias",
          "alias=dash-alias",
          "alias=dash_alias",
          "depends=mid_b,mid_a,base",
        ],
        needs: ["mid_b_fn", "mid_a_fn", "base_fn", "mid_a_fn", "__this_module"],
      }),
    },
    {
      path: "kernel/drivers/md/dm-mod.ko",
      data: ko({
        modinfo: ["alias=devname:mapper/control", "alias=char-major-10-236", "alias=block-major-253-*"],
        exports: ["shared_sym", "dm_get"],
      }),
    },
    {
      path: "kernel/drivers/misc/lonely.ko",
      data: ko({ modinfo: ["alias=devname:lonely"], needs: ["dm_get"] }),
    },
    // Not in modules.order: depmod puts these last, in its hash table's order.
    { path: "extra/zeta.ko", data: ko({ modinfo: ["alias=zeta"], needs: ["base_sym_7"] }) },
    { path: "extra/alpha.ko", data: ko({ modinfo: [], exports: ["alpha_fn"] }) },
    { path: "updates/omega-x.ko", data: ko({ modinfo: [], needs: ["alpha_fn"] }) },
  ];
}

const order = [
  "kernel/drivers/md/dm-mod.ko",
  "kernel/lib/base.ko",
  "kernel/not/installed.ko",
  "kernel/lib/mid-a.ko",
  "kernel/lib/mid_b.ko",
  "kernel/drivers/net/top.ko",
  "kernel/drivers/misc/lonely.ko",
]
  .map((l) => `${l}\n`)
  .join("");
const builtin = "kernel/drivers/virtio/virtio_pci.ko\nkernel/drivers/block/virtio-blk.ko\n";
const builtinModinfo = Buffer.from(
  [
    "virtio_pci.license=GPL",
    "virtio_pci.alias=pci:v00001AF4d*sv*sd*bc*sc*i*",
    "virtio_blk.alias=virtio:d00000002v*",
    "virtio_blk.description=a-b",
    "virtio_blk.alias=virtio-blk-legacy",
  ]
    .map((e) => `${e}\0`)
    .join(""),
);

function ours(layout: "pre" | "post" = "pre", weakdep = true) {
  const modules = fixture().map((f) => ({
    path: f.path,
    elf: f.path.endsWith(".xz") ? execFileSync("xz", ["-dc"], { input: f.data }) : f.data,
  }));
  return buildModuleIndexes({ modules, order, builtin, builtinModinfo, layout, weakdep });
}

/** Writes the fixture as <root>/lib/modules/<release>/ (kmod up to 33) with usr/lib/modules pointing at it (kmod 34). */
function writeTree(root: string): string {
  const dir = join(root, "lib/modules", release);
  for (const f of fixture()) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.data);
  }
  writeFileSync(join(dir, "modules.order"), order);
  writeFileSync(join(dir, "modules.builtin"), builtin);
  writeFileSync(join(dir, "modules.builtin.modinfo"), builtinModinfo);
  mkdirSync(join(root, "usr/lib"), { recursive: true });
  symlinkSync("../../lib/modules", join(root, "usr/lib/modules"));
  return dir;
}

function withTree(fn: (root: string, dir: string) => void) {
  const root = mkdtempSync(join(tmpdir(), "brokkr-depmod-"));
  try {
    fn(root, writeTree(root));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe("buildModuleIndexes", () => {
  it("writes the files the host's depmod writes, byte for byte", (t) => {
    if (!depmod) {
      t.skip("depmod (kmod) not installed");
      return;
    }
    withTree((root, dir) => {
      const before = new Set(readdirSync(dir));
      execFileSync(depmod, ["-b", root, release], { stdio: ["ignore", "pipe", "pipe"] });
      const made = readdirSync(dir)
        .filter((n) => !before.has(n))
        .sort();
      const mine = ours(hostKmod >= 34 ? "pre" : "post", hostKmod >= 33);
      assert.deepEqual([...mine.keys()].sort(), made);
      for (const name of made) {
        const theirs = readFileSync(join(dir, name));
        const bytes = mine.get(name)!;
        if (!name.endsWith(".bin")) assert.equal(bytes.toString("latin1"), theirs.toString("latin1"), name);
        assert.ok(bytes.equals(theirs), `${name} differs from depmod's`);
      }
    });
  });

  it("writes indexes the host's modprobe and modinfo read", (t) => {
    if (!modprobe || !modinfo) {
      t.skip("modprobe (kmod) not installed");
      return;
    }
    withTree((root, dir) => {
      for (const [name, data] of ours()) writeFileSync(join(dir, name), data);
      const probe = (...args: string[]) =>
        execFileSync(modprobe, ["-d", root, "-S", release, ...args], { encoding: "utf8" })
          .trim()
          .split("\n")
          .map((l) => l.trimEnd());
      const at = (p: string) => `insmod ${join(dir, p)}`;
      // Soft dependencies (mid-a's pre: base post: mid_b) repeat lines; the first of each is the load order.
      assert.deepEqual(
        [...new Set(probe("--show-depends", "top"))],
        [
          at("kernel/lib/base.ko"),
          at(hasXz ? "kernel/lib/mid-a.ko.xz" : "kernel/lib/mid-a.ko"),
          at("kernel/lib/mid_b.ko"),
          at("kernel/drivers/net/top.ko"),
        ],
      );
      assert.deepEqual(probe("--show-depends", "lonely"), [
        at("kernel/drivers/md/dm-mod.ko"),
        at("kernel/drivers/misc/lonely.ko"),
      ]);
      assert.deepEqual(probe("--show-depends", "virtio-blk"), ["builtin virtio_blk"]);
      assert.deepEqual(probe("-R", "pci:v00001AF4d00001000sv00001AF4sd00000001bc02sc00i00"), ["top"]); // a module alias hides the built-in one
      assert.deepEqual(probe("-R", "of:NxTyCfoo-bar_baz"), ["top"]);
      assert.deepEqual(probe("-R", "virtio:d00000002v00001AF4"), ["virtio_blk"]);
      assert.deepEqual(probe("-R", "symbol:mid_a_fn"), ["mid_a"]);
      // Two modules export it: the later one in modules.order owns it, as with depmod.
      assert.deepEqual(probe("-R", "symbol:shared_sym"), ["base"]);
      const info = execFileSync(modinfo, ["-b", root, "-k", release, "-F", "filename", "omega_x"], {
        encoding: "utf8",
      });
      assert.equal(info.trim(), join(dir, "updates/omega-x.ko"));
    });
  });

  it("gives the guest's kmod 34 everything it reads", () => {
    const files = ours();
    assert.deepEqual(
      [...files.keys()],
      [
        "modules.dep",
        "modules.dep.bin",
        "modules.alias",
        "modules.alias.bin",
        "modules.softdep",
        "modules.weakdep",
        "modules.symbols",
        "modules.symbols.bin",
        "modules.builtin.bin",
        "modules.builtin.alias.bin",
        "modules.devname",
      ],
    );
    assert.equal(
      files.get("modules.devname")!.toString(),
      "# Device nodes to trigger on-demand module loading.\ndm_mod mapper/control c10:236\n",
    );
    assert.match(files.get("modules.weakdep")!.toString(), /^weakdep top mid_b$/m);
    assert.deepEqual(ours(), files, "deterministic");
  });

  it("refuses a dependency cycle", () => {
    const a = ko({ modinfo: [], exports: ["a_fn"], needs: ["b_fn"] });
    const b = ko({ modinfo: [], exports: ["b_fn"], needs: ["a_fn"] });
    assert.throws(
      () =>
        buildModuleIndexes({
          modules: [
            { path: "a.ko", elf: a },
            { path: "b.ko", elf: b },
          ],
        }),
      (e: unknown) => e instanceof BrokkrError && /in a cycle: .*\ba\b/.test(e.message),
    );
  });

  it("names modules and normalizes aliases as kmod does", () => {
    assert.equal(pathToModname("kernel/drivers/md/dm-mod.ko.xz"), "dm_mod");
    assert.equal(normalizeAlias("of:N*T*Cfoo[-_]bar-baz"), "of:N*T*Cfoo[-_]bar_baz");
    assert.equal(normalizeAlias("broken]"), undefined);
    assert.equal(normalizeAlias("open[-"), undefined);
  });
});
