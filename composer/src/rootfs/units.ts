// `systemctl enable` without systemd: read each unit's [Install] section and make the
// symlinks in /etc/systemd/system. Also finds the units packages enable on a fresh install
// (debhelper's postinst snippets), since those scripts never run.
import { BrokkrError } from "../errors.ts";
import type { InstalledPackage } from "./installed.ts";
import type { Tree } from "./tree.ts";

const unitDirs = ["etc/systemd/system", "usr/lib/systemd/system"];

interface Install {
  wantedBy: string[];
  requiredBy: string[];
  alias: string[];
  also: string[];
  defaultInstance: string | undefined;
}

export function parseInstall(text: string): Install {
  const install: Install = { wantedBy: [], requiredBy: [], alias: [], also: [], defaultInstance: undefined };
  let inInstall = false;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("[")) {
      inInstall = line === "[Install]";
      continue;
    }
    if (!inInstall || !line.includes("=") || line.startsWith("#")) continue;
    const key = line.slice(0, line.indexOf("=")).trim();
    const values = line
      .slice(line.indexOf("=") + 1)
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    if (key === "WantedBy") install.wantedBy.push(...values);
    else if (key === "RequiredBy") install.requiredBy.push(...values);
    else if (key === "Alias") install.alias.push(...values);
    else if (key === "Also") install.also.push(...values);
    else if (key === "DefaultInstance") install.defaultInstance = values[0];
  }
  return install;
}

/** Splits `getty@tty1.service` into its template file name and instance. */
function templateOf(name: string): { file: string; instance: string | undefined } {
  const m = /^([^@]+)@([^.]*)(\.[a-z]+)$/.exec(name);
  if (!m) return { file: name, instance: undefined };
  return { file: `${m[1]}@${m[3]}`, instance: m[2] || undefined };
}

function findUnit(tree: Tree, file: string): { path: string; text: string } | undefined {
  for (const dir of unitDirs) {
    const node = tree.get(`${dir}/${file}`);
    if (node?.kind === "file" && node.data) return { path: `/${dir}/${file}`, text: node.data.toString("utf8") };
    if (node?.kind === "symlink" && node.target) {
      const target = node.target.startsWith("/") ? node.target.slice(1) : `${dir}/${node.target}`;
      const t = tree.get(target);
      if (t?.data) return { path: `/${target}`, text: t.data.toString("utf8") };
    }
  }
  return undefined;
}

export function enableUnits(tree: Tree, names: string[]): void {
  const seen = new Set<string>();
  const queue = [...names];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const { file, instance } = templateOf(name);
    const unit = findUnit(tree, file);
    if (!unit) {
      throw new BrokkrError("rootfs.conflict", `cannot enable ${name}: no unit file ${file} in the image`, {
        hint: "units.enable takes units shipped by the chosen ports/packages or systemd-units/ ids",
      });
    }
    const install = parseInstall(unit.text);
    const inst = instance ?? install.defaultInstance;
    // Links carry the real unit's name when `file` is an alias symlink, as systemctl does.
    const real = unit.path.slice(unit.path.lastIndexOf("/") + 1);
    const linkName = real.includes("@") && inst ? real.replace("@", `@${inst}`) : real;
    // A template with no instance cannot be wanted by anything (systemctl refuses it).
    if (!real.includes("@") || inst) {
      for (const target of install.wantedBy) link(tree, `etc/systemd/system/${target}.wants/${linkName}`, unit.path);
      for (const target of install.requiredBy) link(tree, `etc/systemd/system/${target}.requires/${linkName}`, unit.path);
    }
    for (const alias of install.alias) link(tree, `etc/systemd/system/${alias}`, unit.path);
    queue.push(...install.also);
  }
}

export function disableUnits(tree: Tree, names: string[]): void {
  const doomed = new Set(names);
  for (const node of tree.nodes()) {
    if (node.kind !== "symlink" || !node.path.startsWith("etc/systemd/system/")) continue;
    const base = node.path.slice(node.path.lastIndexOf("/") + 1);
    if (doomed.has(base)) tree.remove(node.path);
  }
}

function link(tree: Tree, path: string, target: string): void {
  tree.mkdirp(path.slice(0, path.lastIndexOf("/")));
  tree.symlink(path, target);
}

/** Units that packages' postinst would enable on a fresh install. */
export function packageDefaultUnits(pkgs: InstalledPackage[]): string[] {
  const units = new Set<string>();
  for (const p of pkgs) {
    const script = p.controlFiles.get("postinst")?.toString("utf8");
    if (!script) continue;
    // debhelper writes one block per unit; a block guarded by `debian-installed` only
    // re-enables units on upgrade, never on a first install.
    for (const block of script.split("# End automatically added section")) {
      for (const m of block.matchAll(/deb-systemd-helper enable '([^']+)'/g)) {
        if (!block.includes(`debian-installed '${m[1]}'`)) units.add(m[1]!);
      }
    }
    for (const m of script.matchAll(/^\s*systemctl\s+(?:\$\{[^}]*\}\s+)?enable\s+([\w@.-]+\.(?:service|socket|timer|target|path))/gm)) {
      units.add(m[1]!);
    }
  }
  return [...units].sort();
}
