// depmod at build time: the module indexes that kmod's `depmod` would write in the guest, made
// from the modules we install, so the guest never runs depmod (the kernel package ships no
// indexes; they come from its postinst, which we never run). Byte for byte what kmod writes,
// including its orders, so a later depmod in the guest changes nothing:
// - modules are ranked by modules.order (then, for ones it lacks, depmod's hash order);
// - a module depends on the modules exporting the symbols it needs (not on modinfo depends=,
//   which says the same for in-tree modules);
// - a dependency list is sorted by a topological order of all modules, users first.
import { BrokkrError } from "../errors.ts";
import { type IndexLayout, KmodIndex } from "./kmod-index.ts";
import { readModinfo, readModuleSymbols } from "./modinfo.ts";

export interface IndexInput {
  /** Each module's path under usr/lib/modules/<release>/ as installed (maybe .ko.xz), and its ELF decompressed. */
  modules: { path: string; elf: Buffer }[];
  /** The kernel package's modules.order, modules.builtin and modules.builtin.modinfo, when shipped. */
  order?: string;
  builtin?: string;
  builtinModinfo?: Buffer;
  /** How the .bin tries are laid out: kmod 34 (Debian trixie) writes "pre". */
  layout?: IndexLayout;
  /** Also write modules.weakdep (kmod 33 and later read it). */
  weakdep?: boolean;
}

interface Mod {
  name: string;
  path: string;
  idx: number;
  info: [string, string][];
  needs: string[];
  deps: Mod[];
  users: number;
  sortIdx: number;
}

/** The files depmod writes, by name, in the order depmod writes them. */
export function buildModuleIndexes(input: IndexInput): Map<string, Buffer> {
  const layout = input.layout ?? "pre";
  const mods = rankModules(input);
  const elfs = new Map(input.modules.map((f) => [f.path, f.elf]));
  const symbols = new Map<string, Mod>();
  for (const m of mods) {
    const elf = elfs.get(m.path)!;
    const syms = readModuleSymbols(elf, m.path);
    for (const s of syms.exports) symbols.set(s, m); // a later module wins, as in depmod's hash_add
    m.needs = syms.needs;
    // Grouped by key, each key's values in file order: all depmod keeps of the order.
    for (const [k, vs] of readModinfo(elf, m.path)) for (const v of vs) m.info.push([k, v]);
  }
  for (const m of mods) {
    for (const need of m.needs) {
      const owner = symbols.get(need.replace(/^\./, "")); // PPC64: .foo is foo
      if (owner && !m.deps.includes(owner)) {
        m.deps.push(owner);
        owner.users++;
      }
    }
  }
  const sortIdx = topologicalOrder(mods);
  const allDeps = (m: Mod) => {
    const seen: Mod[] = [];
    const visit = (x: Mod) => {
      for (const d of x.deps) {
        if (seen.includes(d)) continue;
        seen.push(d);
        visit(d);
      }
    };
    visit(m);
    return seen.sort((a, b) => sortIdx.get(a)! - sortIdx.get(b)!);
  };
  const values = (m: Mod, key: string) => m.info.filter(([k]) => k === key).map(([, v]) => v);

  const out = new Map<string, Buffer>();
  const text = (s: string) => Buffer.from(s, "utf8");

  const depLines = mods.map((m) => [`${m.path}:`, ...allDeps(m).map((d) => d.path)].join(" "));
  out.set("modules.dep", text(depLines.map((l) => `${l}\n`).join("")));
  const dep = new KmodIndex();
  for (const m of mods) dep.insert(m.name, depLines[m.idx]!, m.idx);
  out.set("modules.dep.bin", dep.serialize(layout));

  let aliases = "# Aliases extracted from modules themselves.\n";
  const alias = new KmodIndex();
  for (const m of mods) {
    for (const a of values(m, "alias")) {
      aliases += `alias ${a} ${m.name}\n`;
      const key = normalizeAlias(a);
      if (key !== undefined) alias.insert(key, m.name, m.idx);
    }
  }
  out.set("modules.alias", text(aliases));
  out.set("modules.alias.bin", alias.serialize(layout));

  const kinds: [string, string, string][] = [["softdep", "modules.softdep", "Soft"]];
  if (input.weakdep ?? true) kinds.push(["weakdep", "modules.weakdep", "Weak"]);
  for (const [key, file, word] of kinds) {
    let s = `# ${word} dependencies extracted from modules themselves.\n`;
    for (const m of mods) for (const v of values(m, key)) s += `${key} ${m.name} ${v}\n`;
    out.set(file, text(s));
  }

  // depmod walks its symbol hash table: buckets in order, names sorted within a bucket.
  const owned = [...symbols.entries()]
    .map(([name, owner]) => ({ name, owner, bucket: bucket(name, 2048) }))
    .sort((a, b) => a.bucket - b.bucket || compare(a.name, b.name));
  let symText = "# Aliases for symbols, used by symbol_request().\n";
  const sym = new KmodIndex();
  for (const { name, owner } of owned) {
    symText += `alias symbol:${name} ${owner.name}\n`;
    sym.insert(`symbol:${name}`, owner.name, owner.idx);
  }
  out.set("modules.symbols", text(symText));
  out.set("modules.symbols.bin", sym.serialize(layout));

  const builtin = new KmodIndex();
  for (const line of (input.builtin ?? "").split(/(?<=\n)/)) {
    if (!/^[A-Za-z]/.test(line)) continue;
    builtin.insert(pathToModname(line), "", 0);
  }
  // Without its source file depmod still leaves the index, empty.
  out.set("modules.builtin.bin", input.builtin === undefined ? Buffer.alloc(0) : builtin.serialize(layout));
  out.set(
    "modules.builtin.alias.bin",
    input.builtinModinfo === undefined
      ? Buffer.alloc(0)
      : builtinAliases(input.builtinModinfo).serialize(layout),
  );
  out.set("modules.devname", text(devnames(mods, values)));
  return out;
}

/** Module order: modules.order first (first mention wins), the rest in depmod's hash order. */
function rankModules(input: IndexInput): Mod[] {
  const mods: Mod[] = input.modules.map((f) => ({
    name: pathToModname(f.path),
    path: f.path,
    idx: 0,
    info: [],
    needs: [],
    deps: [],
    users: 0,
    sortIdx: 1,
  }));
  const byName = new Map<string, Mod>();
  for (const m of mods) {
    if (byName.has(m.name)) {
      throw new BrokkrError(
        "kernel.invalid",
        `two modules are named ${m.name}: ${byName.get(m.name)!.path}, ${m.path}`,
      );
    }
    byName.set(m.name, m);
  }
  const byUncompressed = new Map(mods.map((m) => [m.path.replace(/\.ko\.(xz|gz|zst)$/, ".ko"), m]));
  let rank = -mods.length;
  for (const line of (input.order ?? "").split("\n")) {
    const m = byUncompressed.get(line);
    if (m && m.sortIdx >= 0) m.sortIdx = rank++;
  }
  mods.sort(
    (a, b) => a.sortIdx - b.sortIdx || bucket(a.name, 512) - bucket(b.name, 512) || compare(a.name, b.name),
  );
  mods.forEach((m, i) => {
    m.idx = i;
  });
  return mods;
}

/** depmod's topological sort: modules nobody needs first, taken from a stack. */
function topologicalOrder(mods: Mod[]): Map<Mod, number> {
  const users = new Map(mods.map((m) => [m, m.users]));
  const stack = mods.filter((m) => m.users === 0);
  const order = new Map<Mod, number>();
  while (stack.length > 0) {
    const m = stack.pop()!;
    order.set(m, order.size);
    for (const d of m.deps) {
      const left = users.get(d)! - 1;
      users.set(d, left);
      if (left === 0) stack.push(d);
    }
  }
  if (order.size < mods.length) {
    const cycle = mods.filter((m) => !order.has(m)).map((m) => m.name);
    throw new BrokkrError(
      "kernel.invalid",
      `kernel modules depend on each other in a cycle: ${cycle.join(", ")}`,
    );
  }
  return order;
}

function devnames(mods: Mod[], values: (m: Mod, key: string) => string[]): string {
  let s = "";
  for (const m of mods) {
    let devname: string | undefined;
    let node: string | undefined;
    for (const a of values(m, "alias")) {
      const major = /^(char|block)-major-\+?(\d+)-\+?(\d+)/.exec(a);
      if (a.startsWith("devname:")) devname = a.slice("devname:".length);
      else if (major) node = `${major[1] === "char" ? "c" : "b"}${Number(major[2])}:${Number(major[3])}`;
      if (devname !== undefined && node !== undefined) break;
    }
    if (devname === undefined || node === undefined) continue;
    if (s === "") s = "# Device nodes to trigger on-demand module loading.\n";
    s += `${m.name} ${devname} ${node}\n`;
  }
  return s;
}

/** `name.alias=value\0` records of modules.builtin.modinfo, read the way depmod's stream parser does. */
function builtinAliases(data: Buffer): KmodIndex {
  const index = new KmodIndex();
  let at = 0;
  // Reads up to `end`; a field cut short by NUL or the end of the file reads as empty.
  const field = (end: number) => {
    const start = at;
    while (at < data.length && data[at] !== end && data[at] !== 0) at++;
    const ok = at < data.length && data[at] === end;
    const s = data.toString("latin1", start, at);
    if (at < data.length) at++;
    return ok ? s : "";
  };
  while (at < data.length) {
    const mod = field(0x2e);
    if (!mod) continue;
    if (field(0x3d) !== "alias") {
      field(0);
      continue;
    }
    const value = field(0);
    if (!value) continue;
    const key = normalizeAlias(value);
    if (key !== undefined) index.insert(key, mod, 0);
  }
  return index;
}

/** `-` becomes `_` outside brackets; an unmatched bracket drops the alias (depmod warns). */
export function normalizeAlias(alias: string): string | undefined {
  let out = "";
  for (let i = 0; i < alias.length; i++) {
    const c = alias[i]!;
    if (c === "]") return undefined;
    if (c === "[") {
      const close = alias.indexOf("]", i);
      if (close < 0) return undefined;
      out += alias.slice(i, close + 1);
      i = close;
    } else out += c === "-" ? "_" : c;
  }
  return out;
}

/** kmod's module name of a path: the file name up to its first dot, `-` as `_`. */
export function pathToModname(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.indexOf(".");
  return (dot < 0 ? base : base.slice(0, dot)).replace(/-/g, "_");
}

/** strcmp for ASCII: by UTF-16 code unit, which is by byte here. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The bucket of kmod's hash table (Paul Hsieh's SuperFastHash, as in kmod's shared/hash.c). */
function bucket(key: string, buckets: number): number {
  const k = Buffer.from(key, "latin1");
  const u16 = (o: number) => k[o]! | (k[o + 1]! << 8);
  let hash = k.length >>> 0;
  let o = 0;
  for (let n = k.length >> 2; n > 0; n--, o += 4) {
    hash = (hash + u16(o)) >>> 0;
    const tmp = ((u16(o + 2) << 11) ^ hash) >>> 0;
    hash = ((hash << 16) ^ tmp) >>> 0;
    hash = (hash + (hash >>> 11)) >>> 0;
  }
  const sc = (b: number) => (b << 24) >> 24; // kmod reads a plain (signed) char
  switch (k.length & 3) {
    case 3:
      hash = (hash + u16(o)) >>> 0;
      hash = (hash ^ (hash << 16)) >>> 0;
      hash = (hash ^ (sc(k[o + 2]!) << 18)) >>> 0;
      hash = (hash + (hash >>> 11)) >>> 0;
      break;
    case 2:
      hash = (hash + u16(o)) >>> 0;
      hash = (hash ^ (hash << 11)) >>> 0;
      hash = (hash + (hash >>> 17)) >>> 0;
      break;
    case 1:
      hash = (hash + sc(k[o]!)) >>> 0;
      hash = (hash ^ (hash << 10)) >>> 0;
      hash = (hash + (hash >>> 1)) >>> 0;
      break;
  }
  hash = (hash ^ (hash << 3)) >>> 0;
  hash = (hash + (hash >>> 5)) >>> 0;
  hash = (hash ^ (hash << 4)) >>> 0;
  hash = (hash + (hash >>> 17)) >>> 0;
  hash = (hash ^ (hash << 25)) >>> 0;
  hash = (hash + (hash >>> 6)) >>> 0;
  return hash & (buckets - 1);
}
