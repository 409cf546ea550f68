// Turns the unpacked packages into a system that boots: the work maintainer scripts would
// have done, plus the spec's own settings. Nothing runs on the host.
import { writeAccounts, type UserSpec } from "./accounts.ts";
import { applyAlternatives } from "./alternatives.ts";
import { writeDpkgDatabase } from "./dpkg-db.ts";
import type { InstalledPackage } from "./installed.ts";
import { buildPamCommon, parsePamProfile } from "./pam.ts";
import { type SystemSettings, trimTree, writeSystemSettings } from "./system-settings.ts";
import type { Tree } from "./tree.ts";
import { disableUnits, enableUnits, packageDefaultUnits } from "./units.ts";

export interface ExtraFile {
  /** Destination path in the image, no leading slash. */
  path: string;
  data: Buffer;
  mode: number;
}

export interface ConfigureInput {
  packages: InstalledPackage[];
  settings: SystemSettings;
  users: UserSpec[];
  rootPasswordHash: string | null;
  sourceDateEpoch: number;
  files: ExtraFile[];
  enable: string[];
  disable: string[];
}

/**
 * First-boot work the image skips. udev's postinst would compile hwdb.bin; at first boot that
 * takes 10+ s under emulation and a diskless image would redo it on every boot. Without it
 * udev runs with no hardware database (no vendor names, no keyboard quirks).
 */
const masked = ["systemd-hwdb-update.service"];

/** Config files that postinst scripts create from a template shipped under /usr/share. */
const postinstCopies = [{ from: "usr/share/openssh/sshd_config", to: "etc/ssh/sshd_config" }];

export function configureRootfs(tree: Tree, input: ConfigureInput): { enabled: string[] } {
  trimTree(tree);
  writeAccounts(tree, {
    users: input.users,
    rootPasswordHash: input.rootPasswordHash,
    sourceDateEpoch: input.sourceDateEpoch,
  });
  writeSystemSettings(tree, input.settings);
  writePam(tree);
  for (const c of postinstCopies) {
    const src = tree.get(c.from);
    if (src?.data && !tree.get(c.to)) tree.writeFile(c.to, src.data, { mode: src.mode });
  }
  applyAlternatives(tree, input.packages);
  writeDpkgDatabase(tree, input.packages);
  for (const f of input.files) {
    tree.mkdirp(f.path.slice(0, f.path.lastIndexOf("/")));
    tree.writeFile(f.path, f.data, { mode: f.mode });
  }
  const enabled = [...new Set([...packageDefaultUnits(input.packages), ...input.enable])]
    .filter((u) => !input.disable.includes(u))
    .sort();
  enableUnits(tree, enabled);
  disableUnits(tree, input.disable);
  for (const unit of masked) {
    tree.remove(`etc/systemd/system/${unit}`);
    tree.symlink(`etc/systemd/system/${unit}`, "/dev/null");
  }
  return { enabled };
}

function writePam(tree: Tree): void {
  const profiles = tree
    .nodes()
    .filter((n) => n.kind === "file" && n.path.startsWith("usr/share/pam-configs/") && n.data)
    .map((n) => parsePamProfile(n.path.slice(n.path.lastIndexOf("/") + 1), n.data!.toString("utf8")));
  if (profiles.length === 0) return;
  tree.mkdirp("etc/pam.d");
  for (const [file, text] of buildPamCommon(profiles)) {
    tree.writeFile(`etc/pam.d/${file}`, Buffer.from(text), { mode: 0o644 });
  }
}
