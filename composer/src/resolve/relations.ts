// Parser for Debian relation fields (Depends, Pre-Depends, Conflicts, Breaks, Provides):
// `a (>= 1.2) | b:any, c [amd64] <!nocheck>` → an AND-list of OR-lists.

import { BrokkrError } from "../errors.ts";
import type { VersionOp } from "./version.ts";

export interface Relation {
  name: string;
  /** Arch qualifier after the colon: `any`, `native` or an architecture name. */
  arch?: string;
  op?: VersionOp;
  version?: string;
}

/** One entry of a Provides field; `version` only for `foo (= 1.0)`. */
export interface Provided {
  name: string;
  version?: string;
}

export interface RelationOptions {
  /** Evaluate `[arch ...]` lists for this architecture. Without it they are ignored (kept). */
  arch?: string;
  /** Active build profiles for `<...>` lists; none by default, as for a binary package. */
  profiles?: readonly string[];
}

/** Parses a relation field. Alternatives excluded by arch lists or build profiles are dropped. */
export function parseRelations(field: string, opts: RelationOptions = {}): Relation[][] {
  const out: Relation[][] = [];
  for (const part of field.split(",")) {
    if (part.trim() === "") continue;
    const group: Relation[] = [];
    for (const alt of part.split("|")) {
      const rel = parseAlternative(alt, field, opts);
      if (rel !== undefined) group.push(rel);
    }
    if (group.length > 0) out.push(group);
  }
  return out;
}

/** Parses a Provides field; only `=` may carry a version, as policy says. */
export function parseProvides(field: string): Provided[] {
  const out: Provided[] = [];
  for (const group of parseRelations(field)) {
    for (const rel of group) {
      out.push(
        rel.op === "=" && rel.version !== undefined
          ? { name: rel.name, version: rel.version }
          : { name: rel.name },
      );
    }
  }
  return out;
}

export function formatRelation(rel: Relation): string {
  const name = rel.arch === undefined ? rel.name : `${rel.name}:${rel.arch}`;
  return rel.op === undefined ? name : `${name} (${rel.op} ${rel.version})`;
}

export function formatGroup(group: readonly Relation[]): string {
  return group.map(formatRelation).join(" | ");
}

const OPS: ReadonlySet<string> = new Set(["<<", "<=", "=", ">=", ">>", "<", ">"]);

// A hand scanner, not a regex: Packages holds ~300k alternatives and regexes with optional
// groups cost microseconds each. Grammar: name[:arch] [(op version)] [[archs]] [<profiles>]...
function parseAlternative(text: string, field: string, opts: RelationOptions): Relation | undefined {
  const bad = (): never => {
    throw new BrokkrError("deb.invalid", `bad relation "${text.trim()}" in "${field}"`, {
      hint: "the package index may be corrupt; refresh it",
    });
  };
  let i = skipSpace(text, 0);
  const nameEnd = scanWhile(text, i, isNameChar);
  if (nameEnd === i || !isAlnum(text.charCodeAt(i))) bad();
  const rel: Relation = { name: text.slice(i, nameEnd) };
  i = nameEnd;
  if (text.charCodeAt(i) === 58 /* : */) {
    const archEnd = scanWhile(text, i + 1, isArchChar);
    if (archEnd === i + 1) bad();
    rel.arch = text.slice(i + 1, archEnd);
    i = archEnd;
  }
  i = skipSpace(text, i);
  if (text.charCodeAt(i) === 40 /* ( */) {
    const close = text.indexOf(")", i);
    if (close < 0) bad();
    let j = skipSpace(text, i + 1);
    const opEnd = scanWhile(text, j, isOpChar);
    const op = text.slice(j, opEnd);
    j = skipSpace(text, opEnd);
    const version = text.slice(j, close).trimEnd();
    if (!OPS.has(op) || version === "" || !isAlnum(version.charCodeAt(0)) || /[\s(]/.test(version)) bad();
    rel.op = op as VersionOp;
    rel.version = version;
    i = skipSpace(text, close + 1);
  }
  let keep = true;
  if (text.charCodeAt(i) === 91 /* [ */) {
    const close = text.indexOf("]", i);
    if (close < 0) bad();
    if (opts.arch !== undefined && !archListAllows(text.slice(i + 1, close), opts.arch)) keep = false;
    i = skipSpace(text, close + 1);
  }
  if (text.charCodeAt(i) === 60 /* < */) {
    const lists: string[] = [];
    while (text.charCodeAt(i) === 60) {
      const close = text.indexOf(">", i);
      if (close < 0) bad();
      lists.push(text.slice(i + 1, close));
      i = skipSpace(text, close + 1);
    }
    if (!profilesAllow(lists, opts.profiles ?? [])) keep = false;
  }
  if (i < text.length) bad();
  return keep ? rel : undefined;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function scanWhile(text: string, i: number, ok: (c: number) => boolean): number {
  while (i < text.length && ok(text.charCodeAt(i))) i++;
  return i;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isNameChar(c: number): boolean {
  return isAlnum(c) || c === 43 || c === 45 || c === 46; // + - .
}

function isArchChar(c: number): boolean {
  return isAlnum(c) || c === 45;
}

function isOpChar(c: number): boolean {
  return c === 60 || c === 61 || c === 62; // < = >
}

/** `[amd64 arm64]` keeps the alternative on those arches; `[!i386]` everywhere but there. */
function archListAllows(list: string, arch: string): boolean {
  const terms = list.split(/\s+/).filter(Boolean);
  const negated = terms.filter((t) => t.startsWith("!"));
  if (negated.length === terms.length) return !negated.some((t) => archMatches(arch, t.slice(1)));
  return terms.some((t) => !t.startsWith("!") && archMatches(arch, t));
}

// Debian's Linux ports whose CPU name differs from the architecture name.
const CPU_OF: Record<string, string> = { armhf: "arm", armel: "arm", ppc64el: "ppc64el", i386: "i386" };

function archMatches(arch: string, pattern: string): boolean {
  if (pattern === arch || pattern === "any" || pattern === "linux-any" || pattern === `linux-${arch}`)
    return true;
  return pattern === `any-${CPU_OF[arch] ?? arch}`;
}

/** `<!nocheck> <stage1 cross>`: any one list may hold; within a list every term must. */
function profilesAllow(lists: readonly string[], active: readonly string[]): boolean {
  return lists.some((list) =>
    list
      .split(/\s+/)
      .filter(Boolean)
      .every((t) => (t.startsWith("!") ? !active.includes(t.slice(1)) : active.includes(t))),
  );
}
