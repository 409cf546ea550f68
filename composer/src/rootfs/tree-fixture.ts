// Test-only helpers: packages as the rootfs stages see them, and a way to put a Tree on disk so
// that the host's own tools (dpkg-query, systemctl --root, pwck -R, update-alternatives) can
// check what we wrote.
import { chmodSync, linkSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InstalledPackage } from "./installed.ts";
import type { Tree } from "./tree.ts";

export function fakePackage(
  name: string,
  more: {
    version?: string;
    arch?: string;
    multiArch?: string;
    files?: string[];
    control?: Record<string, string>;
  } = {},
): InstalledPackage {
  const version = more.version ?? "1.0-1";
  const arch = more.arch ?? "amd64";
  const multiArch = more.multiArch ?? "no";
  const ma = multiArch === "no" ? "" : `Multi-Arch: ${multiArch}\n`;
  return {
    name,
    version,
    arch,
    multiArch,
    control: `Package: ${name}\nVersion: ${version}\nArchitecture: ${arch}\n${ma}Maintainer: Test <t@example.org>\nDescription: test package ${name}\n`,
    controlFiles: new Map(Object.entries(more.control ?? {}).map(([k, v]) => [k, Buffer.from(v)])),
    files: more.files ?? [],
  };
}

export function readText(tree: Tree, path: string): string {
  const node = tree.get(path);
  if (node?.kind !== "file" || !node.data) throw new Error(`/${path} is not a file in the tree`);
  return node.data.toString("utf8");
}

/** The tree's symlinks under `dir`, as "path -> target", sorted. */
export function symlinksUnder(tree: Tree, dir: string): string[] {
  return tree
    .nodes()
    .filter((n) => n.kind === "symlink" && n.path.startsWith(`${dir}/`))
    .map((n) => `${n.path} -> ${n.target}`)
    .sort();
}

/** Writes the tree (files, dirs, symlinks, hard links; no devices) into a new temp directory. */
export function writeTreeToTemp(tree: Tree): string {
  const root = mkdtempSync(join(tmpdir(), "brokkr-tree-"));
  for (const n of tree.nodes()) {
    const at = join(root, n.path);
    if (n.kind === "dir") {
      mkdirSync(at, { recursive: true });
      chmodSync(at, n.mode);
    } else if (n.kind === "file") {
      writeFileSync(at, n.data ?? Buffer.alloc(0), { mode: n.mode });
    } else if (n.kind === "symlink") {
      symlinkSync(n.target!, at);
    } else if (n.kind === "hardlink") {
      linkSync(join(root, n.target!), at);
    }
  }
  return root;
}
