// /var/lib/dpkg as dpkg would leave it after installing the packages, so that `dpkg -l`,
// `dpkg -S` and apt work in the guest.
import type { InstalledPackage } from "./installed.ts";
import type { Tree } from "./tree.ts";

function infoName(p: InstalledPackage): string {
  return p.multiArch === "same" ? `${p.name}:${p.arch}` : p.name;
}

function statusStanza(p: InstalledPackage): string {
  const lines = p.control.replace(/\n+$/, "").split("\n");
  const out: string[] = [];
  for (const line of lines) {
    out.push(line);
    if (line.startsWith("Package:")) out.push("Status: install ok installed");
  }
  const conffiles = p.controlFiles.get("conffiles")?.toString("utf8").split("\n").filter(Boolean) ?? [];
  if (conffiles.length > 0) {
    const sums = new Map<string, string>();
    for (const l of p.controlFiles.get("md5sums")?.toString("utf8").split("\n") ?? []) {
      const m = /^([0-9a-f]{32})\s+(.+)$/.exec(l);
      if (m) sums.set(`/${m[2]}`, m[1]!);
    }
    // Description is usually last; dpkg puts Conffiles before it, but any order parses.
    out.push("Conffiles:");
    for (const f of conffiles) out.push(` ${f.trim()} ${sums.get(f.trim()) ?? "newconffile"}`);
  }
  return out.join("\n");
}

export function writeDpkgDatabase(tree: Tree, pkgs: InstalledPackage[]): void {
  for (const d of ["var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "var/lib/dpkg/parts"]) {
    tree.mkdirp(d);
  }
  const sorted = [...pkgs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  tree.writeFile("var/lib/dpkg/status", Buffer.from(`${sorted.map(statusStanza).join("\n\n")}\n`), { mode: 0o644 });
  tree.writeFile("var/lib/dpkg/available", Buffer.alloc(0), { mode: 0o644 });
  tree.writeFile("var/lib/dpkg/diversions", Buffer.alloc(0), { mode: 0o644 });
  tree.writeFile("var/lib/dpkg/statoverride", Buffer.alloc(0), { mode: 0o644 });
  for (const p of sorted) {
    const base = `var/lib/dpkg/info/${infoName(p)}`;
    tree.writeFile(`${base}.list`, Buffer.from(p.files.length ? `${p.files.join("\n")}\n` : ""), { mode: 0o644 });
    for (const [member, data] of p.controlFiles) {
      if (member === "control") continue;
      const executable = /^(pre|post)(inst|rm)$|^config$/.test(member);
      tree.writeFile(`${base}.${member}`, data, { mode: executable ? 0o755 : 0o644 });
    }
  }
}
