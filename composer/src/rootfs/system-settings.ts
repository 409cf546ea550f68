// The settings a first boot would otherwise ask for on the console (systemd-firstboot), and
// the few files that mark this as a Brokkr image.
import type { Tree } from "./tree.ts";

export interface SystemSettings {
  hostname: string;
  timezone: string;
  locale: string;
  keymap: string;
  schematicId: string;
}

export function writeSystemSettings(tree: Tree, s: SystemSettings): void {
  const text = (t: string) => Buffer.from(t);
  tree.mkdirp("etc");
  tree.writeFile("etc/hostname", text(`${s.hostname}\n`), { mode: 0o644 });
  tree.writeFile(
    "etc/hosts",
    text(
      `127.0.0.1\tlocalhost\n127.0.1.1\t${s.hostname}\n\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n`,
    ),
    { mode: 0o644 },
  );
  tree.writeFile("etc/locale.conf", text(`LANG=${s.locale}\n`), { mode: 0o644 });
  tree.mkdirp("etc/default");
  tree.writeFile("etc/default/locale", text(`LANG=${s.locale}\n`), { mode: 0o644 });
  tree.writeFile("etc/vconsole.conf", text(`KEYMAP=${s.keymap}\n`), { mode: 0o644 });
  tree.remove("etc/localtime");
  tree.symlink("etc/localtime", `/usr/share/zoneinfo/${s.timezone}`);
  tree.writeFile("etc/timezone", text(`${s.timezone}\n`), { mode: 0o644 });
  // Empty machine-id: systemd treats the boot as the first one and generates the id then.
  tree.writeFile("etc/machine-id", Buffer.alloc(0), { mode: 0o444 });
  tree.mkdirp("etc/brokkr");
  tree.writeFile("etc/brokkr/schematic-id", text(`${s.schematicId}\n`), { mode: 0o644 });
  // The whole root is the initramfs: the kernel runs /init from it, and that is systemd.
  tree.remove("init");
  tree.symlink("init", "usr/lib/systemd/systemd");
}

/**
 * Drops what a diskless image never reads: docs (keeping copyright), man pages, translations,
 * and udev's hwdb sources (the image never compiles them: see `masked` in configure.ts).
 */
export function trimTree(tree: Tree): number {
  let removed = 0;
  for (const node of tree.nodes()) {
    const p = node.path;
    const doc = p.startsWith("usr/share/doc/") && node.kind !== "dir" && !p.endsWith("/copyright");
    const drop =
      doc ||
      (/^usr\/share\/(man|info|lintian|linda)\//.test(p) && node.kind !== "dir") ||
      (p.startsWith("usr/share/locale/") && node.kind !== "dir" && p !== "usr/share/locale/locale.alias") ||
      (p.startsWith("usr/lib/udev/hwdb.d/") && node.kind !== "dir");
    if (drop) {
      tree.remove(p);
      removed++;
    }
  }
  return removed;
}
