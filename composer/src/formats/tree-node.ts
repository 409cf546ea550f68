// The node every writer reads: one file, directory, link or device of a root tree. Paths are
// absolute-free: "usr/bin/ls", "" is the root dir. rootfs/ builds trees of these.

export type NodeKind = "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo";

export interface TreeNode {
  path: string;
  kind: NodeKind;
  /** Permission bits only (e.g. 0o755), including setuid/setgid/sticky. */
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch; clamped to SOURCE_DATE_EPOCH by the tree. */
  mtime: number;
  /** File contents (kind "file"). */
  data?: Buffer;
  /** Symlink target, or for "hardlink" the path of the node it links to. */
  target?: string;
  /** Device numbers for char/block nodes. */
  devMajor?: number;
  devMinor?: number;
  /** Package that shipped this node, if any (for dpkg's .list files). */
  owner?: string;
}
