// Reader for the `ar` archives that wrap a .deb: `!<arch>\n`, then 60-byte headers each
// followed by the member data padded to an even length. Handles the common (System V / dpkg)
// names, GNU's `name/` + `//` long-name table, and BSD's `#1/<len>` names.

import { BrokkrError } from "../errors.ts";

export interface ArMember {
  name: string;
  /** A view into the archive buffer (no copy). */
  data: Buffer;
}

const MAGIC = "!<arch>\n";
const HEADER = 60;

function invalid(archive: string, message: string): BrokkrError {
  return new BrokkrError("deb.invalid", `${archive}: ${message}`, {
    hint: "the file is not a valid ar archive; re-download it",
  });
}

function readDecimal(buf: Buffer, start: number, len: number, archive: string, field: string): number {
  const text = buf.toString("latin1", start, start + len).trim();
  if (!/^\d+$/.test(text)) throw invalid(archive, `bad ${field} field ${JSON.stringify(text)} in ar header`);
  return Number(text);
}

/** Parses an ar archive; `archive` names it in errors. Symbol tables are skipped. */
export function readAr(buf: Buffer, archive = "archive"): ArMember[] {
  if (buf.length < MAGIC.length || buf.toString("latin1", 0, MAGIC.length) !== MAGIC) {
    throw invalid(archive, "missing !<arch> magic");
  }
  const members: ArMember[] = [];
  let longNames: Buffer | undefined;
  let pos = MAGIC.length;
  while (pos < buf.length) {
    // A lone trailing newline pads some archives to an even size.
    if (pos + 1 === buf.length && buf[pos] === 0x0a) break;
    if (pos + HEADER > buf.length) throw invalid(archive, `truncated ar header at byte ${pos}`);
    if (buf[pos + 58] !== 0x60 || buf[pos + 59] !== 0x0a)
      throw invalid(archive, `bad ar header at byte ${pos}`);
    const rawName = buf.toString("latin1", pos, pos + 16).trimEnd();
    const size = readDecimal(buf, pos + 48, 10, archive, "size");
    let start = pos + HEADER;
    const end = start + size;
    if (end > buf.length) throw invalid(archive, `member ${JSON.stringify(rawName)} is truncated`);
    pos = end + (size & 1);

    let name: string;
    if (rawName === "/" || rawName === "/SYM64/") {
      continue; // symbol table
    } else if (rawName === "//") {
      longNames = buf.subarray(start, end);
      continue;
    } else if (/^\/\d+$/.test(rawName)) {
      if (!longNames) throw invalid(archive, `long name ${rawName} without a // table`);
      const offset = Number(rawName.slice(1));
      const stop = longNames.indexOf("/\n", offset, "latin1");
      if (offset >= longNames.length || stop < 0)
        throw invalid(archive, `bad long name reference ${rawName}`);
      name = longNames.toString("utf8", offset, stop);
    } else if (rawName.startsWith("#1/")) {
      const len = Number(rawName.slice(3));
      if (!Number.isInteger(len) || len > size) throw invalid(archive, `bad BSD name ${rawName}`);
      name = buf.toString("utf8", start, start + len).replace(/\0+$/, "");
      start += len;
    } else {
      name = rawName.endsWith("/") ? rawName.slice(0, -1) : rawName;
    }
    members.push({ name, data: buf.subarray(start, end) });
  }
  return members;
}
