// Debian version ordering as Debian Policy 5.6.12 defines it and dpkg implements it; the tests
// compare hundreds of pairs against `dpkg --compare-versions`. npm's version libraries get
// details wrong (e.g. "1.0" vs "1.0-1"), so this is our own.

export type VersionOp = "<<" | "<=" | "=" | ">=" | ">>" | "<" | ">";

export interface DebianVersion {
  /** Digits only; "" when absent (compares as 0). Kept as text so huge epochs never overflow. */
  epoch: string;
  upstream: string;
  /** "" when absent; an absent revision equals "0" (dpkg: `1.0` = `1.0-0` < `1.0-1`). */
  revision: string;
}

/** Splits `[epoch:]upstream[-revision]`. Tolerant: it never throws, as dpkg's ordering is total. */
export function parseVersion(version: string): DebianVersion {
  const v = version.trim();
  const colon = v.indexOf(":");
  const epoch = colon >= 0 ? v.slice(0, colon) : "";
  const rest = colon >= 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf("-");
  if (dash < 0) return { epoch, upstream: rest, revision: "" };
  return { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) };
}

/** Negative, zero or positive as `a` sorts before, equal to, or after `b` (always -1, 0 or 1). */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const va = parseVersion(a);
  const vb = parseVersion(b);
  return (
    compareDigitRuns(va.epoch, vb.epoch) ||
    compareFragments(va.upstream, vb.upstream) ||
    compareFragments(va.revision, vb.revision)
  );
}

/** Does `version` stand in relation `op` to `wanted`? `<` and `>` are the obsolete forms of `<=`, `>=`. */
export function satisfies(version: string, op: VersionOp, wanted: string): boolean {
  const c = compareVersions(version, wanted);
  switch (op) {
    case "<<":
      return c < 0;
    case "<=":
    case "<":
      return c <= 0;
    case "=":
      return c === 0;
    case ">=":
    case ">":
      return c >= 0;
    case ">>":
      return c > 0;
  }
}

const TILDE = 126;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

// Weight of one character in a non-digit run: "~" before the end of the string, the end
// before letters, letters before everything else. NaN (past the end) and digits weigh 0.
function weight(code: number): number {
  if (Number.isNaN(code) || isDigit(code)) return 0;
  if (code === TILDE) return -1;
  if (isLetter(code)) return code;
  return code + 256;
}

/** Compares upstream versions or revisions: alternating non-digit and digit runs. */
function compareFragments(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // Non-digit run, character by character. Both sides advance together: a weight of 0 on
    // one side and not the other ends the comparison, so they never fall out of step.
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const wa = weight(a.charCodeAt(i));
      const wb = weight(b.charCodeAt(j));
      if (wa !== wb) return wa < wb ? -1 : 1;
      i++;
      j++;
    }
    const si = i;
    const sj = j;
    while (i < a.length && isDigit(a.charCodeAt(i))) i++;
    while (j < b.length && isDigit(b.charCodeAt(j))) j++;
    const c = compareDigitRuns(a.slice(si, i), b.slice(sj, j));
    if (c !== 0) return c;
  }
  return 0;
}

/** Compares two runs of digits as numbers of any length ("" is 0). */
function compareDigitRuns(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && a.charCodeAt(i) === 48) i++;
  while (j < b.length && b.charCodeAt(j) === 48) j++;
  const la = a.length - i;
  const lb = b.length - j;
  if (la !== lb) return la < lb ? -1 : 1;
  for (; i < a.length; i++, j++) {
    const d = a.charCodeAt(i) - b.charCodeAt(j);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}
