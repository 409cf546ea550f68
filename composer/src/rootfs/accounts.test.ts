import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { describe, it } from "node:test";
import { BrokkrError } from "../errors.ts";
import { type UserSpec, writeAccounts } from "./accounts.ts";
import { Tree } from "./tree.ts";
import { readText, writeTreeToTemp } from "./tree-fixture.ts";

const epoch = 1700000000;
const day = Math.floor(epoch / 86400); // 19675

/** A tree with base-passwd's masters (a few of Debian's entries) and the shells they name. */
function baseTree(): Tree {
  const tree = new Tree({ sourceDateEpoch: epoch });
  tree.createMergedUsr("amd64");
  tree.mkdirp("usr/share/base-passwd");
  tree.writeFile(
    "usr/share/base-passwd/passwd.master",
    Buffer.from(
      "root:*:0:0:root:/root:/bin/bash\ndaemon:*:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n" +
        "nobody:*:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
    ),
  );
  tree.writeFile(
    "usr/share/base-passwd/group.master",
    Buffer.from("root:*:0:\ndaemon:*:1:\naudio:*:29:\nshadow:*:42:\nusers:*:100:\nnogroup:*:65534:\n"),
  );
  for (const sh of ["usr/bin/bash", "usr/sbin/nologin", "usr/bin/zsh"])
    tree.writeFile(sh, Buffer.from(""), { mode: 0o755 });
  tree.mkdirp("root", 0o700);
  return tree;
}

const user = (name: string, more: Partial<UserSpec> = {}): UserSpec => ({
  name,
  groups: [],
  sshAuthorizedKeys: [],
  passwordHash: null,
  ...more,
});

const users = [
  // Given out of order: uids follow the sorted names. alice asks for bob's private group,
  // which comes after hers; bob for a group no master has.
  user("bob", { groups: ["audio", "wheel"], shell: "/bin/zsh" }),
  user("alice", {
    groups: ["users", "bob"],
    sshAuthorizedKeys: ["ssh-ed25519 AAAAC3Nz alice@a", "ssh-rsa AAAAB3 alice@b"],
  }),
];

function build(): Tree {
  const tree = baseTree();
  writeAccounts(tree, { users, rootPasswordHash: "$y$j9T$salt$hash", sourceDateEpoch: epoch });
  return tree;
}

describe("writeAccounts", () => {
  it("writes passwd from the master, then the spec's users from uid 1000", () => {
    assert.equal(
      readText(build(), "etc/passwd"),
      "root:x:0:0:root:/root:/bin/bash\n" +
        "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n" +
        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n" +
        "alice:x:1000:1000:alice:/home/alice:/bin/bash\n" +
        "bob:x:1001:1001:bob:/home/bob:/bin/zsh\n",
    );
  });

  it("adds private groups, memberships and groups the master lacks, without duplicates", () => {
    const groups = readText(build(), "etc/group").trimEnd().split("\n");
    assert.deepEqual(groups, [
      "root:x:0:",
      "daemon:x:1:",
      "audio:x:29:bob",
      "shadow:x:42:",
      "users:x:100:alice",
      "nogroup:x:65534:",
      "alice:x:1000:",
      "bob:x:1001:alice",
      "wheel:x:999:bob",
    ]);
  });

  it("writes shadow and gshadow readable by group shadow only", () => {
    const tree = build();
    assert.deepEqual(readText(tree, "etc/shadow").trimEnd().split("\n"), [
      `root:$y$j9T$salt$hash:${day}:0:99999:7:::`,
      `daemon:*:${day}:0:99999:7:::`,
      `nobody:*:${day}:0:99999:7:::`,
      `alice:*:${day}:0:99999:7:::`,
      `bob:*:${day}:0:99999:7:::`,
    ]);
    assert.match(readText(tree, "etc/gshadow"), /^wheel:\*::bob$/m);
    for (const f of ["etc/shadow", "etc/gshadow"]) {
      const n = tree.get(f)!;
      assert.deepEqual([n.mode, n.uid, n.gid], [0o640, 0, 42], f);
    }
    assert.equal(tree.get("etc/passwd")!.mode, 0o644);
  });

  it("makes home directories and authorized_keys owned by the user", () => {
    const tree = build();
    const meta = (p: string) => {
      const n = tree.get(p);
      return n && [n.kind, n.mode.toString(8), n.uid, n.gid];
    };
    assert.deepEqual(meta("home/alice"), ["dir", "750", 1000, 1000]);
    assert.deepEqual(meta("home/alice/.ssh"), ["dir", "700", 1000, 1000]);
    assert.deepEqual(meta("home/alice/.ssh/authorized_keys"), ["file", "600", 1000, 1000]);
    assert.equal(
      readText(tree, "home/alice/.ssh/authorized_keys"),
      "ssh-ed25519 AAAAC3Nz alice@a\nssh-rsa AAAAB3 alice@b\n",
    );
    assert.deepEqual(meta("home/bob"), ["dir", "750", 1001, 1001]);
    assert.equal(tree.get("home/bob/.ssh"), undefined, "no keys, no .ssh");
  });

  it("keeps root locked without a root password", () => {
    const tree = baseTree();
    writeAccounts(tree, { users: [], rootPasswordHash: null, sourceDateEpoch: epoch });
    assert.match(readText(tree, "etc/shadow"), /^root:\*:/);
  });

  it("passes the host's pwck and grpck", (t) => {
    if (!existsSync("/usr/sbin/pwck") || !existsSync("/usr/sbin/grpck")) {
      t.skip("pwck/grpck (passwd package) not installed");
      return;
    }
    const tree = build();
    tree.mkdirp("nonexistent"); // Debian's nobody has this home; pwck wants it to exist
    const root = writeTreeToTemp(tree);
    try {
      // -r: read-only; -R: check inside the tree. A non-zero exit means a bad entry.
      execFileSync("/usr/sbin/pwck", ["-r", "-R", root], { stdio: "pipe" });
      execFileSync("/usr/sbin/grpck", ["-r", "-R", root], { stdio: "pipe" });
    } catch (err) {
      const e = err as { stdout?: Buffer; stderr?: Buffer };
      assert.fail(`pwck/grpck complained:\n${e.stdout}${e.stderr}`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("refuses a user named like a system account or group", () => {
    for (const name of ["daemon", "audio"]) {
      assert.throws(
        () =>
          writeAccounts(baseTree(), { users: [user(name)], rootPasswordHash: null, sourceDateEpoch: epoch }),
        (e: unknown) => e instanceof BrokkrError && e.code === "spec.invalid" && e.message.includes(name),
        name,
      );
    }
  });

  it("needs base-passwd's masters", () => {
    const tree = new Tree({ sourceDateEpoch: epoch });
    assert.throws(
      () => writeAccounts(tree, { users: [], rootPasswordHash: null, sourceDateEpoch: epoch }),
      (e: unknown) =>
        e instanceof BrokkrError && e.code === "rootfs.conflict" && /base-passwd/.test(e.message),
    );
  });
});
