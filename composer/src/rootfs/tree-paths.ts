// Path helpers for the in-memory tree. Tree paths have no leading slash; "" is the root.

import { BrokkrError } from "../errors.ts";

/** Top-level directories that merged /usr turns into symlinks into usr/. */
export const MERGED_USR_DIRS: ReadonlySet<string> = new Set([
  "bin",
  "sbin",
  "lib",
  "lib64",
  "lib32",
  "libx32",
]);

/** Extra merged-/usr links an architecture's dynamic loader needs beyond bin, sbin and lib. */
export const ARCH_MERGED_USR_DIRS: Readonly<Record<string, readonly string[]>> = {
  amd64: ["lib64"],
  ppc64el: ["lib64"],
};

/**
 * Normalizes an archive or API path: drops "./", "." parts, leading and trailing slashes and
 * doubled slashes. Any ".." part is refused: no Debian package needs one, and lexical
 * resolution of ".." would be wrong whenever a parent is a symlink.
 */
export function normalizePath(path: string): string {
  if (!path.includes("..") && !path.includes("//") && !/(^|\/)\.(\/|$)/.test(path)) {
    // Fast path for the common "./usr/bin/ls" and "usr/bin/ls" shapes.
    let start = 0;
    while (path.charCodeAt(start) === 0x2f) start++;
    let end = path.length;
    while (end > start && path.charCodeAt(end - 1) === 0x2f) end--;
    return start === 0 && end === path.length ? path : path.slice(start, end);
  }
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      throw new BrokkrError("deb.invalid", `path ${JSON.stringify(path)} contains "..": refusing it`, {
        hint: "a package or file entry tried to write outside its directory",
      });
    }
    parts.push(part);
  }
  return parts.join("/");
}

/** Rewrites bin/…, lib/… and the like into usr/…, as dpkg does on a merged-/usr system. */
export function mapMergedUsr(path: string): string {
  const slash = path.indexOf("/");
  if (slash < 0) return path;
  return MERGED_USR_DIRS.has(path.slice(0, slash)) ? `usr/${path}` : path;
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}

/**
 * Orders strings by their UTF-8 bytes. JavaScript's `<` compares UTF-16 units, which differs
 * from byte order only where a surrogate meets a character in U+E000–U+FFFF.
 */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  const x = a.charCodeAt(i);
  const y = b.charCodeAt(i);
  const xs = x >= 0xd800 && x <= 0xdfff;
  const ys = y >= 0xd800 && y <= 0xdfff;
  if (xs !== ys) return xs ? 1 : -1; // a surrogate pair encodes above every BMP character
  return x - y;
}
