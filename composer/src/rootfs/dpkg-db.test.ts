import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { writeDpkgDatabase } from "./dpkg-db.ts";
import { Tree } from "./tree.ts";
import { fakePackage, readText, writeTreeToTemp } from "./tree-fixture.ts";

const moduli = Buffer.from("# moduli\n20230101 2 6 100 2047 2 F0\n");
const md5 = (b: Buffer | string) => createHash("md5").update(b).digest("hex");

const packages = [
  fakePackage("openssh-server", {
    version: "1:9.2p1-2+deb12u3",
    files: ["/.", "/etc", "/etc/ssh", "/etc/ssh/moduli", "/usr", "/usr/sbin", "/usr/sbin/sshd"],
    control: {
      // Real packages' md5sums leave conffiles out.
      md5sums: `${md5("sshd")}  usr/sbin/sshd\n`,
      conffiles: "/etc/ssh/moduli\nremove-on-upgrade /etc/ssh/old_config\n",
      postinst: "#!/bin/sh\nset -e\n",
    },
  }),
  fakePackage("libc6", {
    version: "2.36-9+deb12u4",
    multiArch: "same",
    files: ["/.", "/usr", "/usr/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu/libc.so.6"],
    control: {
      md5sums: `${md5("libc")}  usr/lib/x86_64-linux-gnu/libc.so.6\n`,
      triggers: "activate-noawait ldconfig\n",
    },
  }),
  fakePackage("base-files", {
    version: "12.4+deb12u5",
    files: ["/.", "/etc", "/etc/issue"],
    // A package whose md5sums does list its conffile: that sum wins.
    control: { conffiles: "/etc/issue\n", md5sums: `${"a".repeat(32)}  etc/issue\n` },
  }),
];

function build(): Tree {
  const tree = new Tree({ sourceDateEpoch: 1700000000 });
  tree.createMergedUsr("amd64");
  tree.writeFile("etc/ssh/moduli", moduli);
  tree.writeFile("etc/issue", Buffer.from("Debian GNU/Linux 12 \\n \\l\n"));
  tree.writeFile("usr/sbin/sshd", Buffer.from("sshd"), { mode: 0o755 });
  tree.writeFile("usr/lib/x86_64-linux-gnu/libc.so.6", Buffer.from("libc"), { mode: 0o755 });
  writeDpkgDatabase(tree, packages);
  return tree;
}

const stanzas = (tree: Tree) => readText(tree, "var/lib/dpkg/status").trimEnd().split("\n\n");

describe("writeDpkgDatabase", () => {
  it("writes one stanza per package, sorted, with Status right after Package", () => {
    const all = stanzas(build());
    assert.deepEqual(
      all.map((s) => s.split("\n").slice(0, 2)),
      [
        ["Package: base-files", "Status: install ok installed"],
        ["Package: libc6", "Status: install ok installed"],
        ["Package: openssh-server", "Status: install ok installed"],
      ],
    );
    assert.match(all[2]!, /^Version: 1:9\.2p1-2\+deb12u3$/m);
  });

  it("lists conffiles with the installed file's md5, or md5sums' when it has one", () => {
    const [base, libc, ssh] = stanzas(build());
    assert.match(
      ssh!,
      new RegExp(
        `^Conffiles:\\n /etc/ssh/moduli ${md5(moduli)}\\n /etc/ssh/old_config newconffile remove-on-upgrade$`,
        "m",
      ),
    );
    assert.match(base!, new RegExp(`^Conffiles:\\n /etc/issue ${"a".repeat(32)}$`, "m"));
    assert.doesNotMatch(libc!, /Conffiles/);
  });

  it("writes info files, naming Multi-Arch: same packages pkg:arch", () => {
    const tree = build();
    assert.equal(
      readText(tree, "var/lib/dpkg/info/openssh-server.list"),
      `${packages[0]!.files.join("\n")}\n`,
    );
    assert.equal(
      readText(tree, "var/lib/dpkg/info/openssh-server.md5sums"),
      `${md5("sshd")}  usr/sbin/sshd\n`,
    );
    assert.equal(tree.get("var/lib/dpkg/info/openssh-server.postinst")?.mode, 0o755);
    assert.equal(tree.get("var/lib/dpkg/info/openssh-server.conffiles")?.mode, 0o644);
    assert.ok(tree.has("var/lib/dpkg/info/libc6:amd64.list"));
    assert.ok(tree.has("var/lib/dpkg/info/libc6:amd64.triggers"));
    assert.ok(!tree.has("var/lib/dpkg/info/libc6.list"));
    assert.equal(readText(tree, "var/lib/dpkg/info/format"), "1\n");
    for (const f of ["available", "diversions", "statoverride"])
      assert.equal(readText(tree, `var/lib/dpkg/${f}`), "");
    for (const d of ["updates", "triggers", "parts"])
      assert.equal(tree.get(`var/lib/dpkg/${d}`)?.kind, "dir");
  });

  it("is read by the host's dpkg-query as installed", (t) => {
    if (!existsSync("/usr/bin/dpkg-query")) {
      t.skip("dpkg-query not installed");
      return;
    }
    const root = writeTreeToTemp(build());
    const admin = mkdtempSync(join(tmpdir(), "brokkr-dpkg-"));
    try {
      cpSync(join(root, "var/lib/dpkg"), admin, { recursive: true });
      const query = (...args: string[]) =>
        execFileSync("dpkg-query", [`--admindir=${admin}`, ...args], { encoding: "utf8", stdio: "pipe" });
      assert.equal(
        query("-W", `-f=\${Package} \${Version} \${Status}\n`),
        "base-files 12.4+deb12u5 install ok installed\n" +
          "libc6 2.36-9+deb12u4 install ok installed\n" +
          "openssh-server 1:9.2p1-2+deb12u3 install ok installed\n",
      );
      assert.match(
        query("-W", `-f=\${Conffiles}\n`, "openssh-server"),
        new RegExp(` /etc/ssh/moduli ${md5(moduli)}`),
      );
      assert.match(query("-L", "libc6:amd64"), /^\/usr\/lib\/x86_64-linux-gnu\/libc\.so\.6$/m);
      assert.match(query("-S", "/usr/sbin/sshd"), /^openssh-server: \/usr\/sbin\/sshd$/m);
      // --audit reports half-installed packages and missing info files; nothing here.
      assert.equal(execFileSync("dpkg", [`--admindir=${admin}`, "--audit"], { encoding: "utf8" }), "");
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(admin, { recursive: true, force: true });
    }
  });
});
