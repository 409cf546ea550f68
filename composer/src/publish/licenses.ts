// A package's declared license, from its machine-readable copyright file (DEP-5, copyright
// format 1.0), as an SPDX license expression. Debian's short names mostly map onto SPDX
// identifiers (GPL-2+ → GPL-2.0-or-later, Expat → MIT); every other name becomes a
// LicenseRef- with the text the copyright file gives for it, as SPDX requires.
import { parseStanzas } from "../feeds/debian/deb822.ts";

/** What a copyright file declares: the expression, and the texts of its LicenseRefs. */
export interface DeclaredLicense {
  /** An SPDX license expression, or NOASSERTION when the file is not machine-readable. */
  expression: string;
  /** Local names (as in the file) → the license text the file gives for them ("" when none). */
  refs: Map<string, string>;
}

const formatLine = /^Format:[ \t]*https?:\/\/www\.debian\.org\/doc\/packaging-manuals\/copyright-format\/1\.0\/?[ \t]*$/m;

/** Parses the License fields of a DEP-5 file's Files paragraphs; NOASSERTION for any other file. */
export function declaredLicense(copyright: string | undefined): DeclaredLicense {
  const refs = new Map<string, string>();
  const headerEnd = copyright === undefined ? -1 : (/\n[ \t]*\n/.exec(copyright)?.index ?? copyright.length);
  if (copyright === undefined || !formatLine.test(copyright.slice(0, headerEnd))) {
    return { expression: "NOASSERTION", refs };
  }
  const paragraphs = parseStanzas(copyright, { fields: new Set(["files", "license"]) });
  // Stand-alone License paragraphs hold the texts that Files paragraphs name.
  const texts = new Map<string, string>();
  for (const p of paragraphs) {
    if (p["files"] !== undefined || !p["license"]) continue;
    const [name = "", ...body] = p["license"].split("\n");
    if (!texts.has(name.trim().toLowerCase())) texts.set(name.trim().toLowerCase(), body.join("\n").trim());
  }
  const terms: string[] = [];
  for (const p of paragraphs) {
    if (p["files"] === undefined || !p["license"]) continue;
    const [first = "", ...body] = p["license"].split("\n");
    const expression = toSpdx(first, (local) => {
      if (!refs.has(local)) refs.set(local, texts.get(local.toLowerCase()) ?? body.join("\n").trim());
      return refRef(local);
    });
    if (expression !== "" && !terms.includes(expression)) terms.push(expression);
  }
  if (terms.length === 0) return { expression: "NOASSERTION", refs };
  const expression = terms.length === 1 ? terms[0]! : terms.map((t) => (/ (AND|OR) /.test(t) ? `(${t})` : t)).join(" AND ");
  return { expression, refs };
}

/**
 * A DEP-5 license line as an SPDX expression. `and` binds tighter than `or`, as in SPDX; a comma
 * closes what comes before it ("A or B, and C" is "(A OR B) AND C").
 */
export function toSpdx(line: string, ref: (local: string) => string): string {
  let out = "";
  for (const raw of line.split(",")) {
    const words = raw.trim().split(/\s+/).filter((w) => w !== "");
    let join = "";
    if (out !== "" && /^(and|or)$/i.test(words[0] ?? "")) join = words.shift()!.toUpperCase();
    const clause = clauseToSpdx(words, ref);
    if (clause === "") continue;
    if (out === "") out = clause;
    else out = `${/ (AND|OR) /.test(out) ? `(${out})` : out} ${join || "AND"} ${/ (AND|OR) /.test(clause) ? `(${clause})` : clause}`;
  }
  return out;
}

function clauseToSpdx(words: string[], ref: (local: string) => string): string {
  const parts: string[] = [];
  let name: string[] = [];
  const flush = () => {
    if (name.length > 0) parts.push(licenseTerm(name.join(" "), ref));
    name = [];
  };
  for (const w of words) {
    if (/^(and|or)$/i.test(w) && name.length > 0) {
      flush();
      parts.push(w.toUpperCase());
    } else name.push(w);
  }
  flush();
  while (parts.length > 0 && /^(AND|OR)$/.test(parts[parts.length - 1]!)) parts.pop();
  return parts.join(" ");
}

/** One license (maybe `X with Y exception`) as an SPDX id, `id WITH exception`, or a LicenseRef. */
function licenseTerm(text: string, ref: (local: string) => string): string {
  const withException = /^(\S+)\s+with\s+(.+?)\s+exception$/i.exec(text);
  if (withException) {
    const id = spdxId(withException[1]!);
    const exception = exceptionId(withException[2]!, id);
    if (id && exception) return `${id} WITH ${exception}`;
    return ref(text);
  }
  return (!/\s/.test(text) && spdxId(text)) || ref(text);
}

const gnu = /^(A|L)?GPL-(\d)(?:\.(\d))?(\+|\.0\+|-only|-or-later)?$/i;
const gfdl = /^GFDL(-NIV)?-(1\.[123])(\+)?$/i;

/** The SPDX id of a Debian short name, or undefined. */
export function spdxId(name: string): string | undefined {
  const g = gnu.exec(name);
  if (g) {
    const kind = `${(g[1] ?? "").toUpperCase()}GPL`;
    const version = `${g[2]}.${g[3] ?? "0"}`;
    if (!knownGnu.has(`${kind}-${version}`)) return undefined;
    const later = g[4] !== undefined && /\+|later/i.test(g[4]);
    return `${kind}-${version}-${later ? "or-later" : "only"}`;
  }
  const f = gfdl.exec(name);
  if (f) return `GFDL-${f[2]}${f[1] ? "-no-invariants" : ""}-${f[3] ? "or-later" : "only"}`;
  return aliases.get(name.toLowerCase()) ?? spdxIds.get(name.toLowerCase());
}

const knownGnu = new Set(["GPL-1.0", "GPL-2.0", "GPL-3.0", "LGPL-2.0", "LGPL-2.1", "LGPL-3.0", "AGPL-3.0"]);

/** Debian's own short names (copyright-format 1.0, "License specification") that differ from SPDX's. */
const aliases = new Map<string, string>([
  ["expat", "MIT"],
  ["apache-2", "Apache-2.0"],
  ["apache-1", "Apache-1.0"],
  // Debian's common-licenses/Artistic is Perl's Artistic License.
  ["artistic", "Artistic-1.0-Perl"],
  ["artistic-1", "Artistic-1.0-Perl"],
  ["bsd-2-clause", "BSD-2-Clause"],
  ["bsd-3-clause", "BSD-3-Clause"],
  ["bsd-4-clause", "BSD-4-Clause"],
  ["cc0", "CC0-1.0"],
  ["zlib", "Zlib"],
  ["mpl-1.1", "MPL-1.1"],
  ["mpl-2", "MPL-2.0"],
  ["bsl", "BSL-1.0"],
  ["bsl-1", "BSL-1.0"],
  ["openssh", "SSH-OpenSSH"],
  ["python-2", "Python-2.0"],
]);

/** SPDX license list ids that Debian packages use as they are (lowercase → canonical). */
const spdxIds = new Map(
  [
    "0BSD", "Apache-1.0", "Apache-1.1", "Apache-2.0", "Artistic-1.0", "Artistic-1.0-Perl", "Artistic-2.0", "Beerware",
    "BSD-1-Clause", "BSD-2-Clause", "BSD-3-Clause", "BSD-4-Clause", "BSD-4-Clause-UC", "BSL-1.0", "bzip2-1.0.6",
    "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC0-1.0", "curl", "FSFAP", "FSFUL", "FSFULLR",
    "ISC", "Latex2e", "MIT", "MIT-0", "MIT-CMU", "MPL-1.1", "MPL-2.0", "Ms-PL", "OpenSSL", "PSF-2.0", "Python-2.0",
    "Sleepycat", "SSH-OpenSSH", "TCL", "Unicode-DFS-2015", "Unicode-DFS-2016", "Unicode-3.0", "Unlicense", "Vim",
    "W3C", "WTFPL", "X11", "Zlib", "ZPL-2.1",
  ].map((id) => [id.toLowerCase(), id]),
);

/** SPDX exception ids for Debian's `with X exception`; Autoconf's depends on the GPL version. */
function exceptionId(name: string, license: string | undefined): string | undefined {
  switch (name.toLowerCase()) {
    case "linux-syscall-note":
      return "Linux-syscall-note";
    case "bison":
    case "bison-2.2":
      return "Bison-exception-2.2";
    case "autoconf":
      return license?.startsWith("GPL-3") ? "Autoconf-exception-3.0" : license?.startsWith("GPL-2") ? "Autoconf-exception-2.0" : undefined;
    case "gcc-3.1":
    case "gcc":
      return "GCC-exception-3.1";
    case "classpath":
      return "Classpath-exception-2.0";
    case "font":
      return "Font-exception-2.0";
    case "libtool":
      return "Libtool-exception";
    default:
      return undefined;
  }
}

/** The LicenseRef for a local name, before the document makes it unique (see sbom.ts). */
export function refRef(local: string): string {
  const id = local.replace(/\+/g, "-plus").replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "");
  return `LicenseRef-${id || "unnamed"}`;
}
