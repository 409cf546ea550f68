// /var/lib/dpkg as dpkg would leave it after installing the packages, so that `dpkg -l`,
// `dpkg -S` and apt work in the guest.
import { createHash } from "node:crypto";
import type { InstalledPackage } from "./installed.ts";
import type { Tree } from "./tree.ts";

function infoName(p: InstalledPackage): string {
  return p.multiArch === "same" ? `${p.name}:${p.arch}` : p.name;
}

function statusStanza(p: InstalledPackage, tree: Tree): string {
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
    // md5sums seldom lists conffiles (dh_md5sums leaves them out), so hash the unpacked file,
    // as dpkg does when it configures the package.
    const hashOf = (path: string) => {
      const data = tree.get(path.slice(1))?.data;
      return sums.get(path) ?? (data ? createHash("md5").update(data).digest("hex") : "newconffile");
    };
    // Description is usually last; dpkg puts Conffiles before it, but any order parses.
    out.push("Conffiles:");
    for (const f of conffiles) {
      // A line may start with flags (`remove-on-upgrade /etc/x`); status puts them after the hash.
      const flags = f.trim().split(/\s+/);
      const path = flags.pop()!;
      out.push(` ${path} ${hashOf(path)}${flags.map((x) => ` ${x}`).join("")}`);
    }
  }
  return out.join("\n");
}

export function writeDpkgDatabase(tree: Tree, pkgs: InstalledPackage[]): void {
  for (const d of ["var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "var/lib/dpkg/parts"]) {
    tree.mkdirp(d);
  }
  const sorted = [...pkgs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  tree.writeFile("var/lib/dpkg/status", Buffer.from(`${sorted.map((p) => statusStanza(p, tree)).join("\n\n")}\n`), { mode: 0o644 });
  // Format 1 is what tells dpkg that Multi-Arch: same packages' files are named pkg:arch.*;
  // without it dpkg looks for libc6.list and finds no files for them.
  tree.writeFile("var/lib/dpkg/info/format", Buffer.from("1\n"), { mode: 0o644 });
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
