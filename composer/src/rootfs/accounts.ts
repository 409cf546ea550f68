// /etc/passwd, group, shadow and gshadow, as base-passwd's postinst (update-passwd) and
// `adduser` would leave them, plus the spec's users. System users that packages declare in
// sysusers.d are left to systemd-sysusers at first boot.
import { BrokkrError } from "../errors.ts";
import type { Tree } from "./tree.ts";

export interface UserSpec {
  name: string;
  groups: string[];
  sshAuthorizedKeys: string[];
  passwordHash: string | null;
  shell?: string;
}

interface PasswdLine {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}
interface GroupLine {
  name: string;
  gid: number;
  members: string[];
}

const firstUid = 1000;

function readMaster(tree: Tree, path: string): string[][] {
  const node = tree.get(path);
  if (!node?.data) {
    throw new BrokkrError("rootfs.conflict", `${path} is missing: base-passwd must be installed`, {
      hint: "base-passwd is Priority: required; is the required set being left out?",
    });
  }
  return node.data
    .toString("utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(":"));
}

export function writeAccounts(
  tree: Tree,
  opts: { users: UserSpec[]; rootPasswordHash: string | null; sourceDateEpoch: number },
): void {
  const passwd: PasswdLine[] = readMaster(tree, "usr/share/base-passwd/passwd.master").map((f) => ({
    name: f[0]!,
    uid: Number(f[2]),
    gid: Number(f[3]),
    gecos: f[4] ?? "",
    home: f[5] ?? "/",
    shell: f[6] ?? "/usr/sbin/nologin",
  }));
  const groups: GroupLine[] = readMaster(tree, "usr/share/base-passwd/group.master").map((f) => ({
    name: f[0]!,
    gid: Number(f[2]),
    members: f[3] ? f[3].split(",").filter(Boolean) : [],
  }));
  const hashes = new Map<string, string>([["root", opts.rootPasswordHash ?? "*"]]);

  let nextSystemGid = 999;
  const groupByName = (name: string) => groups.find((g) => g.name === name);
  const users = [...opts.users].sort((a, b) => a.name.localeCompare(b.name));
  // Every user's private group first, so that a user may be put in another user's group.
  users.forEach((u, i) => {
    if (passwd.some((p) => p.name === u.name) || groupByName(u.name)) {
      throw new BrokkrError("spec.invalid", `user '${u.name}' clashes with a system account or group`, {
        hint: "pick another user name",
      });
    }
    const uid = firstUid + i;
    passwd.push({ name: u.name, uid, gid: uid, gecos: u.name, home: `/home/${u.name}`, shell: u.shell ?? "/bin/bash" });
    groups.push({ name: u.name, gid: uid, members: [] });
  });
  users.forEach((u, i) => {
    const uid = firstUid + i;
    // `*` rather than `!`: sshd refuses keys for accounts it considers locked (`!`).
    hashes.set(u.name, u.passwordHash ?? "*");
    for (const g of u.groups) {
      let group = groupByName(g);
      if (!group) {
        while (groups.some((x) => x.gid === nextSystemGid)) nextSystemGid--;
        group = { name: g, gid: nextSystemGid--, members: [] };
        groups.push(group);
      }
      group.members.push(u.name);
    }
    const home = `home/${u.name}`;
    tree.mkdirp("home");
    tree.add({ path: home, kind: "dir", mode: 0o750, uid, gid: uid, mtime: opts.sourceDateEpoch });
    if (u.sshAuthorizedKeys.length > 0) {
      tree.add({ path: `${home}/.ssh`, kind: "dir", mode: 0o700, uid, gid: uid, mtime: opts.sourceDateEpoch });
      tree.writeFile(`${home}/.ssh/authorized_keys`, Buffer.from(`${u.sshAuthorizedKeys.join("\n")}\n`), {
        mode: 0o600,
        uid,
        gid: uid,
      });
    }
  });

  const day = Math.floor(opts.sourceDateEpoch / 86400);
  const shadowGid = groupByName("shadow")?.gid ?? 42;
  const text = (lines: string[]) => Buffer.from(`${lines.join("\n")}\n`);
  tree.writeFile(
    "etc/passwd",
    text(passwd.map((p) => `${p.name}:x:${p.uid}:${p.gid}:${p.gecos}:${p.home}:${p.shell}`)),
    { mode: 0o644 },
  );
  tree.writeFile("etc/group", text(groups.map((g) => `${g.name}:x:${g.gid}:${g.members.join(",")}`)), {
    mode: 0o644,
  });
  tree.writeFile(
    "etc/shadow",
    text(passwd.map((p) => `${p.name}:${hashes.get(p.name) ?? "*"}:${day}:0:99999:7:::`)),
    { mode: 0o640, gid: shadowGid },
  );
  tree.writeFile("etc/gshadow", text(groups.map((g) => `${g.name}:*::${g.members.join(",")}`)), {
    mode: 0o640,
    gid: shadowGid,
  });
}
