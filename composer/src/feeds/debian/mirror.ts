// Finds the Debian mirror to use. No host name is ever written in our code: the mirror comes
// from BROKKR_MIRROR or from the host's own apt sources, which already point at a mirror that
// works from this machine.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BrokkrError } from "../../errors.ts";
import { getSettings, type Settings } from "../../settings/index.ts";
import { parseStanzas } from "./deb822.ts";

/** One apt source entry, from either file format. */
export interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  /** Signed-By value (a keyring path, fingerprints, or an inline key), "" when absent. */
  signedBy: string;
  /** File it came from, for error messages. */
  file: string;
}

// biome-ignore format: a packed word list reads better
const debianCodenames = new Set([
  "buzz", "rex", "bo", "hamm", "slink", "potato", "woody", "sarge", "etch", "lenny", "squeeze",
  "wheezy", "jessie", "stretch", "buster", "bullseye", "bookworm", "trixie", "forky", "duke", "sid",
  "stable", "testing", "unstable", "oldstable", "oldoldstable", "experimental",
]);

/** Returns the Debian archive URI (no trailing slash) from BROKKR_MIRROR or the apt sources. */
export function findMirror(settings: Pick<Settings, "mirror"> = getSettings(), aptDir = "/etc/apt"): string {
  const fromEnv = settings.mirror;
  if (fromEnv) return stripSlash(fromEnv);
  const sources = readAptSources(aptDir);
  const found = sources.find(isDebianArchive);
  const uri = found?.uris[0];
  if (uri === undefined) {
    throw new BrokkrError(
      "feed.mirror-unknown",
      `no Debian archive entry found in the apt sources under ${aptDir}`,
      {
        hint: "set BROKKR_MIRROR to the URL of a Debian mirror (the directory that holds dists/ and pool/)",
        details: { aptDir, entriesSeen: sources.length },
      },
    );
  }
  return stripSlash(uri);
}

/** Reads sources.list, then sources.list.d/*.list and *.sources in name order, as apt does. */
export function readAptSources(aptDir: string): AptSource[] {
  const out: AptSource[] = [];
  const main = join(aptDir, "sources.list");
  const text = readIfExists(main);
  if (text !== undefined) out.push(...parseOneLineSources(text, main));
  const dir = join(aptDir, "sources.list.d");
  let names: string[] = [];
  try {
    names = readdirSync(dir).sort();
  } catch {
    // no sources.list.d: fine
  }
  for (const name of names) {
    if (name.includes(".disabled")) continue;
    const file = join(dir, name);
    if (name.endsWith(".list")) {
      const t = readIfExists(file);
      if (t !== undefined) out.push(...parseOneLineSources(t, file));
    } else if (name.endsWith(".sources")) {
      const t = readIfExists(file);
      if (t !== undefined) out.push(...parseDeb822Sources(t, file));
    }
  }
  return out;
}

/** Parses the deb822 `.sources` format; stanzas with `Enabled: no` are dropped. */
export function parseDeb822Sources(text: string, file = ""): AptSource[] {
  const out: AptSource[] = [];
  for (const s of parseStanzas(text, { comments: true })) {
    if ((s["enabled"] ?? "yes").toLowerCase() === "no") continue;
    out.push({
      types: words(s["types"]),
      uris: words(s["uris"]),
      suites: words(s["suites"]),
      components: words(s["components"]),
      signedBy: s["signed-by"] ?? "",
      file,
    });
  }
  return out;
}

/** Parses one-line sources: `deb [opt=value ...] URI suite [component ...]`. */
export function parseOneLineSources(text: string, file = ""): AptSource[] {
  const out: AptSource[] = [];
  for (const rawLine of text.split("\n")) {
    const hash = rawLine.indexOf("#");
    const line = (hash === -1 ? rawLine : rawLine.slice(0, hash)).trim();
    if (line === "") continue;
    let rest = line;
    const type = rest.split(/\s+/, 1)[0] ?? "";
    rest = rest.slice(type.length).trim();
    let signedBy = "";
    if (rest.startsWith("[")) {
      const close = rest.indexOf("]");
      if (close === -1) continue; // malformed: apt would reject it too
      for (const opt of rest.slice(1, close).trim().split(/\s+/)) {
        const eq = opt.indexOf("=");
        if (eq !== -1 && opt.slice(0, eq).toLowerCase() === "signed-by") signedBy = opt.slice(eq + 1);
      }
      rest = rest.slice(close + 1).trim();
    }
    const [uri, suite, ...components] = rest.split(/\s+/);
    if (uri === undefined || suite === undefined) continue;
    out.push({ types: [type], uris: [uri], suites: [suite], components, signedBy, file });
  }
  return out;
}

/**
 * True for an entry of the main Debian archive: a `deb` entry signed by the Debian archive
 * keyring (or, when no keyring file is named, with a Debian suite), but not the security archive,
 * which lives apart and carries only security updates.
 */
export function isDebianArchive(src: AptSource): boolean {
  if (!src.types.includes("deb") || src.uris.length === 0) return false;
  if (src.uris.some((u) => /-security\/*$/.test(u))) return false;
  const suites = src.suites.filter((s) => !/-security$|\/updates$/.test(s));
  if (suites.length === 0) return false;
  const keyFile = src.signedBy.trim();
  if (keyFile !== "" && !keyFile.startsWith("-----BEGIN") && !keyFile.includes("\n")) {
    return keyFile.includes("debian-archive-keyring");
  }
  return suites.some((s) => debianCodenames.has(s.split("-")[0] ?? ""));
}

function words(v: string | undefined): string[] {
  return v === undefined ? [] : v.split(/\s+/).filter((w) => w !== "");
}

function stripSlash(uri: string): string {
  return uri.replace(/\/+$/, "");
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}
