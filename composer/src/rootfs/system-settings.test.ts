import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { trimTree, writeSystemSettings } from "./system-settings.ts";
import { Tree } from "./tree.ts";
import { readText } from "./tree-fixture.ts";

const settings = {
  hostname: "forge",
  timezone: "Europe/Oslo",
  locale: "C.UTF-8",
  keymap: "no",
  schematicId: "3f2a9c",
};

function newTree(): Tree {
  const tree = new Tree({ sourceDateEpoch: 1700000000 });
  tree.createMergedUsr("amd64");
  return tree;
}

describe("writeSystemSettings", () => {
  it("writes the firstboot files", () => {
    const tree = newTree();
    writeSystemSettings(tree, settings);
    assert.equal(readText(tree, "etc/hostname"), "forge\n");
    assert.match(readText(tree, "etc/hosts"), /^127\.0\.1\.1\tforge$/m);
    assert.match(readText(tree, "etc/hosts"), /^127\.0\.0\.1\tlocalhost$/m);
    assert.equal(readText(tree, "etc/locale.conf"), "LANG=C.UTF-8\n");
    assert.equal(readText(tree, "etc/default/locale"), "LANG=C.UTF-8\n");
    assert.equal(readText(tree, "etc/vconsole.conf"), "KEYMAP=no\n");
    assert.equal(readText(tree, "etc/timezone"), "Europe/Oslo\n");
    assert.equal(readText(tree, "etc/brokkr/schematic-id"), "3f2a9c\n");
    const machineId = tree.get("etc/machine-id");
    assert.deepEqual([machineId?.data?.length, machineId?.mode], [0, 0o444]);
  });

  it("replaces /etc/localtime and /init with symlinks", () => {
    const tree = newTree();
    // tzdata ships /etc/localtime pointing at UTC; an old /init may be a file.
    tree.symlink("etc/localtime", "/usr/share/zoneinfo/Etc/UTC");
    tree.writeFile("init", Buffer.from("#!/bin/sh\n"), { mode: 0o755 });
    writeSystemSettings(tree, settings);
    const localtime = tree.get("etc/localtime");
    assert.deepEqual([localtime?.kind, localtime?.target], ["symlink", "/usr/share/zoneinfo/Europe/Oslo"]);
    const init = tree.get("init");
    assert.deepEqual([init?.kind, init?.target], ["symlink", "usr/lib/systemd/systemd"]);
  });
});

describe("trimTree", () => {
  const kept = [
    "usr/share/doc/bash/copyright",
    "usr/share/locale/locale.alias",
    "usr/bin/bash",
    "usr/share/zoneinfo/Europe/Oslo",
    "usr/lib/udev/rules.d/50-udev-default.rules",
  ];
  const dropped = [
    "usr/share/doc/bash/changelog.Debian.gz",
    "usr/share/doc/bash/README",
    "usr/share/man/man1/bash.1.gz",
    "usr/share/info/bash.info.gz",
    "usr/share/lintian/overrides/bash",
    "usr/share/locale/de/LC_MESSAGES/bash.mo",
    "usr/lib/udev/hwdb.d/20-pci-vendor-model.hwdb",
  ];

  it("drops docs, man pages, translations and hwdb sources, keeping copyright and locale.alias", () => {
    const tree = newTree();
    for (const p of [...kept, ...dropped]) tree.writeFile(p, Buffer.from(p));
    tree.symlink("usr/share/doc/libfoo", "bash"); // a doc dir symlinked to another package's
    tree.symlink("usr/share/man/man1/sh.1.gz", "bash.1.gz");
    const removed = trimTree(tree);
    for (const p of kept) assert.ok(tree.has(p), `kept ${p}`);
    for (const p of dropped) assert.ok(!tree.has(p), `dropped ${p}`);
    assert.ok(!tree.has("usr/share/doc/libfoo") && !tree.has("usr/share/man/man1/sh.1.gz"));
    assert.equal(removed, dropped.length + 2);
    // Directories stay: packages' .list files still name them.
    for (const d of ["usr/share/man/man1", "usr/share/locale/de/LC_MESSAGES", "usr/lib/udev/hwdb.d"]) {
      assert.equal(tree.get(d)?.kind, "dir", d);
    }
  });

  it("removes nothing from a tree without such files", () => {
    const tree = newTree();
    for (const p of kept) tree.writeFile(p, Buffer.from(p));
    const before = tree.size;
    assert.equal(trimTree(tree), 0);
    assert.equal(tree.size, before);
  });
});
