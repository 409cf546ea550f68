import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { describe, it } from "node:test";
import { applyAlternatives, parseAlternatives } from "./alternatives.ts";
import { Tree } from "./tree.ts";
import { fakePackage, readText, symlinksUnder, writeTreeToTemp } from "./tree-fixture.ts";

// Shaped like the postinst scripts of nano and vim-tiny.
const nanoPostinst = `#!/bin/sh
set -e

if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ]; then
    update-alternatives --install /usr/bin/editor editor /bin/nano 40 \\
      --slave /usr/share/man/man1/editor.1.gz editor.1.gz \\
      /usr/share/man/man1/nano.1.gz
    update-alternatives --install /usr/bin/pico pico /bin/nano 10 \\
      --slave /usr/share/man/man1/pico.1.gz pico.1.gz \\
      /usr/share/man/man1/nano.1.gz
fi
`;
const vimPostinst = `#!/bin/sh
set -e
for i in view ex; do
    update-alternatives --install /usr/bin/$i $i /usr/bin/vim.tiny 15
done
update-alternatives --quiet --install "/usr/bin/vi" "vi" "/usr/bin/vim.tiny" 15 \\
    --slave /usr/share/man/man1/vi.1.gz vi.1.gz /usr/share/man/man1/vim.1.gz
update-alternatives --install /usr/bin/editor editor /usr/bin/vim.tiny 15
update-alternatives --remove vim /usr/bin/vim.tiny
`;

describe("parseAlternatives", () => {
  it("joins backslash continuations and reads --slave groups", () => {
    assert.deepEqual(parseAlternatives(nanoPostinst), [
      {
        name: "editor",
        link: "/usr/bin/editor",
        path: "/bin/nano",
        priority: 40,
        slaves: [
          {
            name: "editor.1.gz",
            link: "/usr/share/man/man1/editor.1.gz",
            path: "/usr/share/man/man1/nano.1.gz",
          },
        ],
      },
      {
        name: "pico",
        link: "/usr/bin/pico",
        path: "/bin/nano",
        priority: 10,
        slaves: [
          { name: "pico.1.gz", link: "/usr/share/man/man1/pico.1.gz", path: "/usr/share/man/man1/nano.1.gz" },
        ],
      },
    ]);
  });

  it("skips calls built from shell variables and strips quotes", () => {
    const alts = parseAlternatives(vimPostinst);
    assert.deepEqual(
      alts.map((a) => [a.name, a.link, a.path, a.priority, a.slaves.length]),
      [
        ["vi", "/usr/bin/vi", "/usr/bin/vim.tiny", 15, 1],
        ["editor", "/usr/bin/editor", "/usr/bin/vim.tiny", 15, 0],
      ],
    );
  });
});

function fixture(): Tree {
  const tree = new Tree({ sourceDateEpoch: 1700000000 });
  tree.createMergedUsr("amd64");
  for (const f of ["usr/bin/nano", "usr/bin/vim.tiny"])
    tree.writeFile(f, Buffer.from("ELF"), { mode: 0o755 });
  tree.mkdirp("usr/share/man/man1");
  // vim.1.gz is absent (say, trimmed): vi's slave must not dangle.
  tree.writeFile("usr/share/man/man1/nano.1.gz", Buffer.from("man"));
  return tree;
}

const packages = [
  fakePackage("nano", { control: { postinst: nanoPostinst } }),
  fakePackage("vim-tiny", { control: { postinst: vimPostinst } }),
  // Highest priority, but its program is not in the image: never chosen.
  fakePackage("ghost", {
    control: { postinst: "update-alternatives --install /usr/bin/editor editor /usr/bin/ghost 99\n" },
  }),
  fakePackage("no-script"),
];

describe("applyAlternatives", () => {
  it("picks the highest priority among existing targets and links master and slaves", () => {
    const tree = fixture();
    const chosen = applyAlternatives(tree, packages);
    assert.deepEqual(
      chosen.map((a) => `${a.name}=${a.path}`),
      ["editor=/bin/nano", "pico=/bin/nano", "vi=/usr/bin/vim.tiny"],
    );
    assert.deepEqual(symlinksUnder(tree, "etc/alternatives"), [
      "etc/alternatives/editor -> /bin/nano",
      "etc/alternatives/editor.1.gz -> /usr/share/man/man1/nano.1.gz",
      "etc/alternatives/pico -> /bin/nano",
      "etc/alternatives/pico.1.gz -> /usr/share/man/man1/nano.1.gz",
      "etc/alternatives/vi -> /usr/bin/vim.tiny",
    ]);
    assert.deepEqual(
      symlinksUnder(tree, "usr").filter((l) => l.includes("alternatives")),
      [
        "usr/bin/editor -> /etc/alternatives/editor",
        "usr/bin/pico -> /etc/alternatives/pico",
        "usr/bin/vi -> /etc/alternatives/vi",
        "usr/share/man/man1/editor.1.gz -> /etc/alternatives/editor.1.gz",
        "usr/share/man/man1/pico.1.gz -> /etc/alternatives/pico.1.gz",
      ],
    );
  });

  it("writes dpkg's administrative file with every installed choice", () => {
    const tree = fixture();
    applyAlternatives(tree, packages);
    assert.equal(
      readText(tree, "var/lib/dpkg/alternatives/editor"),
      [
        "auto",
        "/usr/bin/editor",
        "editor.1.gz",
        "/usr/share/man/man1/editor.1.gz",
        "",
        "/bin/nano",
        "40",
        "/usr/share/man/man1/nano.1.gz",
        "/usr/bin/vim.tiny",
        "15",
        "",
        "",
        "",
      ].join("\n"),
    );
  });

  it("is read back by the host's update-alternatives", (t) => {
    if (!existsSync("/usr/bin/update-alternatives")) {
      t.skip("update-alternatives (dpkg) not installed");
      return;
    }
    const tree = fixture();
    applyAlternatives(tree, packages);
    const root = writeTreeToTemp(tree);
    try {
      const query = (name: string) =>
        execFileSync("/usr/bin/update-alternatives", ["--root", root, "--query", name], { encoding: "utf8" });
      const editor = query("editor");
      assert.match(editor, /^Status: auto$/m);
      assert.match(editor, /^Best: \/bin\/nano$/m);
      assert.match(editor, /^Value: \/bin\/nano$/m);
      assert.match(editor, /^Alternative: \/usr\/bin\/vim\.tiny\nPriority: 15$/m);
      assert.match(query("vi"), /^Value: \/usr\/bin\/vim\.tiny$/m);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("leaves a real file at the link path alone", () => {
    const tree = fixture();
    tree.writeFile("usr/bin/editor", Buffer.from("#!/bin/sh\n"), { mode: 0o755 });
    applyAlternatives(tree, packages);
    assert.equal(tree.get("usr/bin/editor")?.kind, "file");
    assert.equal(tree.get("etc/alternatives/editor")?.target, "/bin/nano");
  });
});
