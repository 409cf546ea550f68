// update-alternatives, as packages' postinst scripts would call it on a fresh install: for each
// alternative name the highest priority wins, in "auto" mode. We read the calls out of the
// postinst text (debhelper writes them literally) rather than running any script.
import type { InstalledPackage } from "./installed.ts";
import type { Tree } from "./tree.ts";

export interface Alternative {
  name: string;
  link: string;
  path: string;
  priority: number;
  slaves: { name: string; link: string; path: string }[];
}

export function parseAlternatives(script: string): Alternative[] {
  const joined = script.replace(/\\\n/g, " ");
  const found: Alternative[] = [];
  for (const line of joined.split("\n")) {
    const at = line.indexOf("update-alternatives");
    if (at < 0 || !line.includes("--install")) continue;
    const words = line
      .slice(at)
      .split(/\s+/)
      .map((w) => w.replace(/^["']|["']$/g, ""));
    const i = words.indexOf("--install");
    const [link, name, path, prio] = words.slice(i + 1, i + 5);
    if (!link || !name || !path || !prio || [link, name, path, prio].some((w) => w.includes("$"))) continue;
    const alt: Alternative = { name, link, path, priority: Number(prio), slaves: [] };
    for (let j = i + 5; j < words.length; j++) {
      if (words[j] !== "--slave") continue;
      const [sl, sn, sp] = words.slice(j + 1, j + 4);
      if (sl && sn && sp && ![sl, sn, sp].some((w) => w.includes("$"))) alt.slaves.push({ link: sl, name: sn, path: sp });
    }
    if (Number.isFinite(alt.priority)) found.push(alt);
  }
  return found;
}

export function applyAlternatives(tree: Tree, pkgs: InstalledPackage[]): Alternative[] {
  const byName = new Map<string, Alternative[]>();
  for (const p of pkgs) {
    const script = p.controlFiles.get("postinst")?.toString("utf8");
    if (!script) continue;
    for (const alt of parseAlternatives(script)) {
      if (!tree.get(alt.path.slice(1))) continue;
      byName.set(alt.name, [...(byName.get(alt.name) ?? []), alt]);
    }
  }
  const chosen: Alternative[] = [];
  for (const name of [...byName.keys()].sort()) {
    const alts = byName.get(name)!;
    const best = [...alts].sort((a, b) => b.priority - a.priority || a.path.localeCompare(b.path))[0]!;
    chosen.push(best);
    const links = [{ name: best.name, link: best.link, path: best.path }, ...best.slaves];
    for (const l of links) {
      if (!tree.get(l.path.slice(1))) continue;
      tree.mkdirp("etc/alternatives");
      tree.symlink(`etc/alternatives/${l.name}`, l.path);
      if (!tree.get(l.link.slice(1))) tree.symlink(l.link.slice(1), `/etc/alternatives/${l.name}`);
    }
    // dpkg's administrative file, so update-alternatives in the guest knows the state.
    const slaveNames = best.slaves.map((s) => s.name);
    const admin = ["auto", best.link];
    for (const s of best.slaves) admin.push(s.name, s.link);
    admin.push("");
    for (const a of alts) {
      admin.push(a.path, String(a.priority));
      for (const n of slaveNames) admin.push(a.slaves.find((s) => s.name === n)?.path ?? "");
    }
    admin.push("");
    tree.mkdirp("var/lib/dpkg/alternatives");
    tree.writeFile(`var/lib/dpkg/alternatives/${name}`, Buffer.from(`${admin.join("\n")}\n`), { mode: 0o644 });
  }
  return chosen;
}
