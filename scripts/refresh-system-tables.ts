// Regenerates composer/src/spec/tables/*.json, the names a spec may use for system.timezone,
// system.locale and system.keymap, from Debian's own packages: tzdata (zoneinfo files),
// locales (i18n/SUPPORTED) and console-data (the console keymaps). The packages come through
// apt-get download from this host's apt sources, into a temp dir that is removed afterwards.
// Run: node scripts/refresh-system-tables.ts   (then commit the changed tables)
import { execFile } from "node:child_process";
import { mkdtemp, open, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const out = join(import.meta.dirname, "../composer/src/spec/tables");

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  // Many zone names are symbolic links to another zone's file: they are names all the same.
  return entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => join(e.parentPath, e.name));
}

async function startsWith(file: string, magic: string): Promise<boolean> {
  const handle = await open(file);
  try {
    const buf = Buffer.alloc(magic.length);
    await handle.read(buf, 0, magic.length, 0);
    return buf.toString("latin1") === magic;
  } finally {
    await handle.close();
  }
}

/** Unpacks one package into dir/name; returns its root and its version. */
async function unpack(dir: string, name: string): Promise<{ root: string; version: string }> {
  await run("apt-get", ["download", name], { cwd: dir });
  const deb = (await readdir(dir)).find((f) => f.startsWith(`${name}_`) && f.endsWith(".deb"));
  if (!deb) throw new Error(`apt-get download ${name} left no .deb in ${dir}`);
  const root = join(dir, name);
  await run("dpkg-deb", ["-x", join(dir, deb), root]);
  const { stdout } = await run("dpkg-deb", ["-f", join(dir, deb), "Version"]);
  return { root, version: stdout.trim() };
}

async function timezones(root: string): Promise<string[]> {
  const base = join(root, "usr/share/zoneinfo");
  const names: string[] = [];
  for (const file of await filesUnder(base)) {
    const name = relative(base, file);
    // posix/ and right/ repeat every zone; localtime and posixrules are links, Factory is no place.
    if (/^(posix|right)\//.test(name) || ["localtime", "posixrules", "Factory"].includes(name)) continue;
    if (await startsWith(file, "TZif").catch(() => false)) names.push(name);
  }
  return names;
}

async function locales(root: string): Promise<string[]> {
  const text = await readFile(join(root, "usr/share/i18n/SUPPORTED"), "utf8");
  const names = text
    .split("\n")
    .map((l) => l.split(/\s+/)[0] ?? "")
    .filter((n) => n !== "" && !n.startsWith("#"));
  return ["C", "C.UTF-8", "POSIX", ...names];
}

async function keymaps(root: string): Promise<string[]> {
  const files = await filesUnder(join(root, "usr/share/keymaps"));
  return files.map((f) => /([^/]+)\.kmap\.gz$/.exec(f)?.[1]).filter((n): n is string => n !== undefined);
}

async function write(file: string, source: string, names: string[]): Promise<void> {
  const sorted = [...new Set(names)].sort();
  const table = { source, names: sorted };
  await writeFile(join(out, file), `${JSON.stringify(table, null, 1)}\n`);
  process.stdout.write(`${file}: ${sorted.length} names from ${source}\n`);
}

const dir = await mkdtemp(join(tmpdir(), "brokkr-system-tables-"));
try {
  const tz = await unpack(dir, "tzdata");
  const loc = await unpack(dir, "locales");
  const kmap = await unpack(dir, "console-data");
  await write("timezones.json", `tzdata ${tz.version}`, await timezones(tz.root));
  await write("locales.json", `locales ${loc.version}`, await locales(loc.root));
  await write("keymaps.json", `console-data ${kmap.version}`, await keymaps(kmap.root));
} finally {
  await rm(dir, { recursive: true, force: true });
}
