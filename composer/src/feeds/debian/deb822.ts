// Parser for deb822 control data (Packages, Release, *.sources). A trixie Packages index is
// ~56 MB of text, so the scanner walks the string with indexOf and slices; no regex per line.

/** One stanza: field name (lowercased) → value. Continuation lines are joined with "\n". */
export type Stanza = Record<string, string>;

export interface ParseOptions {
  /** Keep only these fields (lowercase names). Skipping the rest saves most of the work on big indexes. */
  fields?: ReadonlySet<string>;
  /** Treat lines starting with "#" as comments (apt .sources files allow them; Packages does not). */
  comments?: boolean;
}

/** Calls `onStanza` once per stanza, in order. Stops early if it returns `false`. */
export function forEachStanza(
  text: string,
  onStanza: (stanza: Stanza) => unknown,
  opts: ParseOptions = {},
): void {
  const keep = opts.fields;
  const comments = opts.comments ?? false;
  // Raw field names repeat ~70k times per index: lowercase each distinct spelling once.
  const lowerCache = new Map<string, string>();
  let stanza: Stanza | undefined;
  let key: string | undefined; // field receiving continuation lines; undefined = skipped field
  const len = text.length;
  let pos = 0;
  while (pos < len) {
    let end = text.indexOf("\n", pos);
    if (end === -1) end = len;
    let lineEnd = end;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--; // CRLF
    const first = lineEnd > pos ? text.charCodeAt(pos) : -1;

    if (first === 32 || first === 9) {
      if (isBlank(text, pos, lineEnd)) {
        // A whitespace-only line separates stanzas, as deb822(5) allows parsers to accept.
        if (stanza !== undefined && onStanza(stanza) === false) return;
        stanza = undefined;
        key = undefined;
      } else if (stanza !== undefined && key !== undefined) {
        // Continuation: drop the single leading space; a lone "." stands for an empty line.
        let cont = text.slice(pos + 1, lineEnd);
        if (cont === ".") cont = "";
        const prev = stanza[key];
        stanza[key] = prev === "" || prev === undefined ? cont : `${prev}\n${cont}`;
      }
    } else if (first === -1) {
      if (stanza !== undefined && onStanza(stanza) === false) return;
      stanza = undefined;
      key = undefined;
    } else if (first === 35 && comments) {
      // comment: ignored, and does not end the stanza or the current field
    } else {
      const colon = text.indexOf(":", pos);
      if (colon === -1 || colon > lineEnd) {
        key = undefined; // malformed line: ignore it rather than corrupt the previous field
      } else {
        const raw = text.slice(pos, colon);
        let name = lowerCache.get(raw);
        if (name === undefined) {
          name = raw.trim().toLowerCase();
          lowerCache.set(raw, name);
        }
        if (keep !== undefined && !keep.has(name)) {
          key = undefined;
          stanza ??= {};
        } else {
          stanza ??= {};
          stanza[name] = text.slice(colon + 1, lineEnd).trim();
          key = name;
        }
      }
    }
    pos = end + 1;
  }
  if (stanza !== undefined) onStanza(stanza);
}

/** Parses every stanza into an array. */
export function parseStanzas(text: string, opts: ParseOptions = {}): Stanza[] {
  const out: Stanza[] = [];
  forEachStanza(
    text,
    (s) => {
      out.push(s);
    },
    opts,
  );
  return out;
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}
