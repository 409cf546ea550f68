// The in-memory root filesystem that .debs are unpacked into. Nothing here touches the host:
// owners, modes, symlinks and hard links are kept exactly, whatever user runs Brokkr.
// Keys of the node map are always real paths (no symlink among their parents): every insert
// resolves its parent directory through the tree's symlinks first.

import { BrokkrError } from "../errors.ts";
import type { TarEntry } from "./tar.ts";
import {
  ARCH_MERGED_USR_DIRS,
  baseName,
  compareBytes,
  joinPath,
  MERGED_USR_DIRS,
  mapMergedUsr,
  normalizePath,
  parentOf,
} from "./tree-paths.ts";
import type { TreeNode } from "../formats/tree-node.ts";

export interface TreeOptions {
  /** mtimes above this are clamped to it; also the mtime of nodes the tree makes itself. */
  sourceDateEpoch?: number;
  /** Start with bin, sbin, lib → usr/… and rewrite archive paths under them (default true). */
  mergedUsr?: boolean;
}

export interface FileOptions {
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
}

/** A file one package shipped over another's (Debian's Replaces; allowed, but recorded). */
export interface Replacement {
  path: string;
  from: string;
  to: string;
}

const MAX_SYMLINK_HOPS = 40; // as Linux allows

export class Tree {
  readonly sourceDateEpoch: number | undefined;
  readonly mergedUsr: boolean;
  readonly replacements: Replacement[] = [];
  #nodes = new Map<string, TreeNode>();
  #children = new Map<string, Set<string>>();
  /** Hard-link target → paths of the links to it. */
  #links = new Map<string, Set<string>>();
  /** Directories made only because something was put inside them; the first entry sets them. */
  #implicit = new Set<string>();
  /** Package → the paths it shipped as dpkg lists them ("/usr/bin/ls"), in archive order. */
  #shipped = new Map<string, string[]>();
  #sorted: TreeNode[] | null = null;

  constructor(opts: TreeOptions = {}) {
    this.sourceDateEpoch = opts.sourceDateEpoch;
    this.mergedUsr = opts.mergedUsr ?? true;
    this.#insert({ path: "", kind: "dir", mode: 0o755, uid: 0, gid: 0, mtime: this.#now() });
    this.#implicit.add("");
    if (this.mergedUsr) for (const dir of ["bin", "sbin", "lib"]) this.#ensureAlias(dir);
  }

  /** Adds the arch-specific merged-/usr links (lib64 on amd64) beside bin, sbin and lib. */
  createMergedUsr(arch: string): void {
    for (const dir of ["bin", "sbin", "lib", ...(ARCH_MERGED_USR_DIRS[arch] ?? [])]) this.#ensureAlias(dir);
  }

  /** Unpacks a package's data.tar entries; `owner` is the package name. */
  addFromTar(entries: Iterable<TarEntry>, opts: { owner: string }): void {
    let shipped = this.#shipped.get(opts.owner);
    if (!shipped) this.#shipped.set(opts.owner, (shipped = []));
    for (const e of entries) {
      const path = normalizePath(e.path);
      shipped.push(path === "" ? "/." : `/${path}`);
      const node: TreeNode = {
        path,
        kind: e.type,
        mode: e.mode,
        uid: e.uid,
        gid: e.gid,
        mtime: e.mtime,
        owner: opts.owner,
      };
      if (e.type === "file") node.data = e.data;
      else if (e.type === "symlink") node.target = e.linkname;
      else if (e.type === "hardlink") node.target = e.linkname;
      else if (e.type === "char" || e.type === "block") {
        node.devMajor = e.devmajor;
        node.devMinor = e.devminor;
      }
      this.add(node);
    }
  }

  /**
   * Puts a node in the tree. Its path is normalized and merged-/usr mapped, and its parent is
   * resolved through symlinks (missing parents are made). Existing directories keep their
   * metadata, as dpkg leaves existing directories alone; a file over a file replaces it.
   */
  add(input: TreeNode): void {
    const path = this.#mapped(input.path, true);
    if (path === "") {
      this.#addRoot(input);
      return;
    }
    const parent = this.#realDir(parentOf(path), true)!;
    const key = joinPath(parent, baseName(path));
    const node: TreeNode = { ...input, path: key, mtime: this.#clamp(input.mtime) };
    if (node.kind === "hardlink") node.target = this.#hardlinkTarget(node);
    const old = this.#nodes.get(key);
    if (this.mergedUsr && parent === "" && MERGED_USR_DIRS.has(key) && this.#isAliasEntry(node)) {
      // #mapped made the link already; a package shipping the link itself (base-files) owns it.
      if (old && node.kind === "symlink" && node.owner) old.owner = node.owner;
    } else if (!old) {
      this.#insert(node);
    } else if (node.kind === "dir") {
      this.#addDirOver(old, node);
    } else {
      if (old.kind === "dir" && (this.#children.get(key)?.size ?? 0) > 0) {
        throw new BrokkrError(
          "rootfs.conflict",
          `${describe(node)} would replace the non-empty directory /${key}`,
          {
            hint: "two packages disagree about what this path is; drop one of them from the spec",
          },
        );
      }
      if (old.kind !== "dir" && old.owner && node.owner && old.owner !== node.owner) {
        this.replacements.push({ path: key, from: old.owner, to: node.owner });
      }
      this.#drop(key);
      this.#insert(node);
    }
  }

  /** The node at `path` without following a final symlink (like lstat), if any. */
  get(path: string): TreeNode | undefined {
    const key = this.#lookupKey(path);
    return key === null ? undefined : this.#nodes.get(key);
  }

  has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  /** Removes a node (a directory with everything in it). Returns whether anything was there. */
  remove(path: string): boolean {
    const key = this.#lookupKey(path);
    if (key === null || !this.#nodes.has(key)) return false;
    if (key === "") throw new BrokkrError("internal", "cannot remove the root directory");
    this.#drop(key);
    return true;
  }

  /** Makes a directory and its missing parents; existing ones keep their metadata. */
  mkdirp(path: string, mode = 0o755): void {
    const norm = this.#mapped(path, true);
    let cur = "";
    for (const part of norm === "" ? [] : norm.split("/")) {
      const next = this.#realDir(cur, true)!;
      const key = joinPath(next, part);
      if (!this.#nodes.has(key)) {
        this.#insert({ path: key, kind: "dir", mode, uid: 0, gid: 0, mtime: this.#now() });
      }
      cur = key;
    }
    if (this.#realDir(cur, false) === null) {
      throw new BrokkrError("rootfs.conflict", `/${norm} exists and is not a directory`);
    }
  }

  writeFile(path: string, data: Buffer, opts: FileOptions = {}): void {
    this.add({
      path,
      kind: "file",
      data,
      mode: opts.mode ?? 0o644,
      uid: opts.uid ?? 0,
      gid: opts.gid ?? 0,
      mtime: opts.mtime ?? this.#now(),
    });
  }

  symlink(path: string, target: string, opts: FileOptions = {}): void {
    this.add({
      path,
      kind: "symlink",
      target,
      mode: 0o777,
      uid: opts.uid ?? 0,
      gid: opts.gid ?? 0,
      mtime: opts.mtime ?? this.#now(),
    });
  }

  /**
   * Every node, parents before children and otherwise in UTF-8 byte order of the path, with
   * hard links last so each comes after its target.
   */
  nodes(): TreeNode[] {
    if (!this.#sorted) {
      const all = [...this.#nodes.values()];
      const plain = all.filter((n) => n.kind !== "hardlink").sort((a, b) => compareBytes(a.path, b.path));
      const links = all.filter((n) => n.kind === "hardlink").sort((a, b) => compareBytes(a.path, b.path));
      this.#sorted = plain.concat(links);
    }
    return this.#sorted.slice();
  }

  /** The paths a package shipped, as dpkg's .list files give them ("/.", "/usr/bin/ls"), in archive order. */
  filesOf(pkg: string): string[] {
    return [...(this.#shipped.get(pkg) ?? [])];
  }

  get size(): number {
    return this.#nodes.size;
  }

  #now(): number {
    return this.sourceDateEpoch ?? 0;
  }

  #clamp(mtime: number): number {
    return this.sourceDateEpoch !== undefined && mtime > this.sourceDateEpoch ? this.sourceDateEpoch : mtime;
  }

  /** Normalizes and maps a path; when `create`, makes the merged-/usr link of its first part. */
  #mapped(path: string, create: boolean): string {
    const norm = normalizePath(path);
    if (!this.mergedUsr) return norm;
    if (create) {
      const slash = norm.indexOf("/");
      const top = slash < 0 ? norm : norm.slice(0, slash);
      if (MERGED_USR_DIRS.has(top)) this.#ensureAlias(top);
    }
    return mapMergedUsr(norm);
  }

  /** Where `path` is stored if it exists (its parent resolved through symlinks), else null. */
  #lookupKey(path: string): string | null {
    const norm = this.#mapped(path, false);
    if (norm === "") return "";
    const parent = this.#realDir(parentOf(norm), false);
    return parent === null ? null : joinPath(parent, baseName(norm));
  }

  /**
   * Resolves a directory path through the tree's symlinks (relative and absolute targets) to
   * the real path of a directory. With `create`, missing parts are made as implicit directories;
   * without, a missing part gives null.
   */
  #realDir(path: string, create: boolean, hops = { n: 0 }): string | null {
    if (path === "" || this.#nodes.get(path)?.kind === "dir") return path; // keys are real paths
    let cur = "";
    for (const part of path.split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") {
        cur = parentOf(cur); // cur is real, so ".." is plain; the root is its own parent
        continue;
      }
      const next = joinPath(cur, part);
      const node = this.#nodes.get(next);
      if (!node) {
        if (!create) return null;
        this.#insert({ path: next, kind: "dir", mode: 0o755, uid: 0, gid: 0, mtime: this.#now() });
        this.#implicit.add(next);
        cur = next;
      } else if (node.kind === "dir") {
        cur = next;
      } else if (node.kind === "symlink") {
        if (++hops.n > MAX_SYMLINK_HOPS) {
          throw new BrokkrError("rootfs.conflict", `too many levels of symlinks resolving /${path}`);
        }
        const target = node.target ?? "";
        const resolved = this.#realDir(target.startsWith("/") ? target : `${cur}/${target}`, create, hops);
        if (resolved === null) return null;
        cur = resolved;
      } else if (!create) {
        return null;
      } else {
        throw new BrokkrError(
          "rootfs.conflict",
          `/${next} is a ${node.kind}, but /${path} needs it to be a directory`,
        );
      }
    }
    return cur;
  }

  #addRoot(node: TreeNode): void {
    if (node.kind !== "dir")
      throw new BrokkrError("deb.invalid", `the root directory cannot be a ${node.kind}`);
    if (this.#implicit.delete("")) {
      this.#nodes.set("", { ...node, path: "", mtime: this.#clamp(node.mtime) });
      this.#sorted = null;
    }
  }

  #addDirOver(old: TreeNode, node: TreeNode): void {
    if (old.kind === "dir") {
      if (this.#implicit.delete(old.path)) {
        this.#nodes.set(old.path, node);
        this.#sorted = null;
      }
      return;
    }
    // dpkg keeps a symlink to a directory where a package ships a directory.
    if (old.kind === "symlink" && this.#realDir(old.path, false) !== null) return;
    throw new BrokkrError("rootfs.conflict", `${describe(node)} would replace the ${old.kind} /${old.path}`, {
      hint: "two packages disagree about what this path is; drop one of them from the spec",
    });
  }

  /** A directory or a usr/<name> symlink at a merged-/usr name: keep our symlink. */
  #isAliasEntry(node: TreeNode): boolean {
    if (node.kind === "dir") return true;
    return node.kind === "symlink" && normalizePath(node.target ?? "") === `usr/${node.path}`;
  }

  #ensureAlias(dir: string): void {
    const existing = this.#nodes.get(dir);
    if (existing?.kind === "symlink") return;
    if (existing) {
      throw new BrokkrError(
        "rootfs.conflict",
        `/${dir} is a ${existing.kind}, not the merged-/usr link to usr/${dir}`,
      );
    }
    this.mkdirp(`usr/${dir}`);
    this.#insert({
      path: dir,
      kind: "symlink",
      target: `usr/${dir}`,
      mode: 0o777,
      uid: 0,
      gid: 0,
      mtime: this.#now(),
    });
  }

  /** Resolves a hard link's target to the stored path of a regular file. */
  #hardlinkTarget(node: TreeNode): string {
    const key = this.#lookupKey(node.target ?? "");
    let target = key === null ? undefined : this.#nodes.get(key);
    if (target?.kind === "hardlink") target = this.#nodes.get(target.target!);
    if (target?.kind !== "file") {
      throw new BrokkrError(
        "deb.invalid",
        `${describe(node)}: hard link to ${JSON.stringify(node.target)}, which is not a file in the tree`,
      );
    }
    return target.path;
  }

  #insert(node: TreeNode): void {
    this.#nodes.set(node.path, node);
    this.#sorted = null;
    if (node.path !== "") {
      const parent = parentOf(node.path);
      let siblings = this.#children.get(parent);
      if (!siblings) this.#children.set(parent, (siblings = new Set()));
      siblings.add(node.path);
    }
    if (node.kind === "hardlink") {
      let links = this.#links.get(node.target!);
      if (!links) this.#links.set(node.target!, (links = new Set()));
      links.add(node.path);
    }
  }

  /** Deletes a node and everything below it, keeping hard links to deleted files intact. */
  #drop(key: string): void {
    const node = this.#nodes.get(key);
    if (!node) return;
    for (const child of [...(this.#children.get(key) ?? [])]) this.#drop(child);
    this.#children.delete(key);
    this.#nodes.delete(key);
    this.#implicit.delete(key);
    this.#children.get(parentOf(key))?.delete(key);
    this.#sorted = null;
    if (node.kind === "hardlink") this.#links.get(node.target!)?.delete(key);
    const links = this.#links.get(key);
    if (links && links.size > 0) this.#promoteLink(node, links);
    this.#links.delete(key);
  }

  /** The file behind hard links went away: the first link takes over its data (same inode). */
  #promoteLink(file: TreeNode, links: Set<string>): void {
    const [first, ...rest] = [...links].sort(compareBytes);
    const heir = this.#nodes.get(first!)!;
    heir.kind = "file";
    heir.data = file.data;
    delete heir.target;
    if (rest.length > 0) this.#links.set(heir.path, new Set(rest));
    for (const p of rest) this.#nodes.get(p)!.target = heir.path;
  }
}

function describe(node: TreeNode): string {
  return `${node.owner ? `${node.owner}: ` : ""}${node.kind} /${node.path}`;
}
