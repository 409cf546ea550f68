// Turns the raw serial stream into plain text and finds the expected markers in order.
// Firmware paints the console with escape sequences (OVMF moves the cursor around), and a
// sequence or a marker can be split between two reads, so both steps keep a little state.

export type Pattern = string | RegExp;

export interface Match {
  pattern: Pattern;
  /** Seconds from QEMU start to the read that completed the match. */
  atSeconds: number;
}

// CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), nF (ESC, intermediates, final) and
// two-byte escapes (ESC 0x30–0x7E except [ and ]).
const escapeSequence = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[ -/]+[0-~]|[0-Z\\^-~])/g;
const completeEscapeAtStart = new RegExp(`^(?:${escapeSequence.source})`);
// Every control character except tab and newline (\r included: serial lines end in \r\n).
const controlChars = /[\x00-\x08\x0b-\x1f\x7f]/g;
// An unfinished escape longer than this is noise, not a sequence still arriving.
const maxPendingEscape = 64;

/** Returns a function that strips escape sequences and control characters from a stream. */
export function createAnsiStripper(): (chunk: string) => string {
  let pending = "";
  return (chunk) => {
    let text = pending + chunk;
    pending = "";
    const lastEsc = text.lastIndexOf("\x1b");
    if (lastEsc >= 0 && text.length - lastEsc < maxPendingEscape) {
      const tail = text.slice(lastEsc);
      if (!completeEscapeAtStart.test(tail)) {
        pending = tail;
        text = text.slice(0, lastEsc);
      }
    }
    return text.replace(escapeSequence, "").replace(controlChars, "");
  };
}

/** Strips a whole string at once. */
export function stripAnsi(text: string): string {
  return text.replace(escapeSequence, "").replace(controlChars, "");
}

// A regex is searched in the text since the previous match, bounded so that a chatty boot
// does not make every read rescan megabytes. Markers are lines, far shorter than this.
const regexWindow = 64 * 1024;

export interface ConsoleMatcher {
  /** Feeds clean text; returns true once every pattern has matched. */
  feed(text: string, atSeconds: number): boolean;
  readonly matched: readonly Match[];
  /** The pattern still awaited, or undefined when all matched. */
  readonly next: Pattern | undefined;
}

/** Matches `patterns` in order: each must appear after the end of the previous one. */
export function createMatcher(patterns: readonly Pattern[]): ConsoleMatcher {
  const regexes = patterns.map((p) =>
    typeof p === "string" ? undefined : new RegExp(p.source, p.flags.replace(/[gy]/g, "")),
  );
  const matched: Match[] = [];
  let text = "";
  let searchFrom = 0;
  return {
    matched,
    get next() {
      return patterns[matched.length];
    },
    feed(chunk, atSeconds) {
      text += chunk;
      while (matched.length < patterns.length) {
        const index = matched.length;
        const pattern = patterns[index]!;
        const end = findEnd(text, pattern, regexes[index], searchFrom);
        if (end < 0) break;
        matched.push({ pattern, atSeconds });
        text = text.slice(end);
        searchFrom = 0;
      }
      if (text.length > regexWindow) text = text.slice(-regexWindow);
      const waiting = patterns[matched.length];
      // A string can only newly match across the last (length - 1) characters.
      searchFrom = typeof waiting === "string" ? Math.max(0, text.length - waiting.length + 1) : 0;
      return matched.length === patterns.length;
    },
  };
}

function findEnd(text: string, pattern: Pattern, regex: RegExp | undefined, from: number): number {
  if (typeof pattern === "string") {
    const at = text.indexOf(pattern, from);
    return at < 0 ? -1 : at + pattern.length;
  }
  const m = regex!.exec(text);
  return m ? m.index + m[0].length : -1;
}

/** The last `count` lines of `text`, for error reports. */
export function tailLines(text: string, count = 30): string {
  const lines = text.split("\n");
  return lines.slice(-count).join("\n");
}

export function describePattern(pattern: Pattern): string {
  return typeof pattern === "string" ? JSON.stringify(pattern) : String(pattern);
}

/**
 * Matches `patterns` in any order: boot output interleaves (a getty may print its prompt
 * before a service's marker), so "both appeared" is the honest test for independent markers.
 */
export function createUnorderedMatcher(patterns: readonly Pattern[]): ConsoleMatcher {
  const ordered = patterns.map((p) => createMatcher([p]));
  const matched: Match[] = [];
  return {
    matched,
    get next() {
      return patterns.find((_, i) => ordered[i]!.matched.length === 0);
    },
    feed(chunk, atSeconds) {
      ordered.forEach((m, i) => {
        if (m.matched.length === 0 && m.feed(chunk, atSeconds)) matched.push({ pattern: patterns[i]!, atSeconds });
      });
      return matched.length === patterns.length;
    },
  };
}
