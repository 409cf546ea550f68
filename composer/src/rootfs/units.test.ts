import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { BrokkrError } from "../errors.ts";
import { Tree } from "./tree.ts";
import { fakePackage, symlinksUnder, writeTreeToTemp } from "./tree-fixture.ts";
import { disableUnits, enableUnits, packageDefaultUnits, parseInstall } from "./units.ts";

const lib = "usr/lib/systemd/system";

const unitFiles: Record<string, string> = {
  "ssh.service":
    "[Unit]\nDescription=OpenBSD Secure Shell server\n\n[Service]\nExecStart=/usr/sbin/sshd -D\n\n" +
    "[Install]\nWantedBy=multi-user.target\nAlias=sshd.service\nAlso=ssh.socket\n",
  "ssh.socket": "[Socket]\nListenStream=22\n[Install]\nWantedBy=sockets.target\nRequiredBy=ssh.service\n",
  "serial-getty@.service":
    "[Service]\nExecStart=/sbin/agetty %I\n[Install]\nWantedBy=getty.target\nDefaultInstance=ttyS0\n",
  "getty@.service":
    "[Service]\nExecStart=/sbin/agetty %I\n[Install]\nWantedBy=getty.target\nDefaultInstance=tty1\n",
  "container-getty@.service": "[Service]\nExecStart=/sbin/agetty %I\n[Install]\nWantedBy=getty.target\n",
  "fstrim.timer":
    "[Timer]\nOnCalendar=weekly\n\n[Install]\n# a comment=here\nWantedBy=timers.target  basic.target\n",
};

function unitTree(): Tree {
  const tree = new Tree({ sourceDateEpoch: 1700000000 });
  tree.createMergedUsr("amd64");
  tree.mkdirp(lib);
  for (const [name, text] of Object.entries(unitFiles)) tree.writeFile(`${lib}/${name}`, Buffer.from(text));
  // An alias shipped by a package, as systemd ships dbus-org.freedesktop.*.service links.
  tree.symlink(`${lib}/sshd-alias.service`, "ssh.service");
  return tree;
}

/** The symlinks `systemctl --root` makes under etc/systemd/system for the same unit files. */
function systemctlEnable(names: string[]): string[] {
  const root = writeTreeToTemp(unitTree());
  try {
    execFileSync("systemctl", ["--root", root, "enable", ...names], { stdio: "pipe" });
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
        const p = `${dir}/${e.name}`;
        // Bookworm's systemd names units by /lib/systemd/system: the same files under merged /usr.
        if (e.isSymbolicLink())
          out.push(`${p} -> ${readlinkSync(join(root, p)).replace(/^\/lib\//, "/usr/lib/")}`);
        else if (e.isDirectory()) walk(p);
      }
    };
    walk("etc/systemd/system");
    return out.sort();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe("parseInstall", () => {
  it("reads only the [Install] section, splitting lists and skipping comments", () => {
    assert.deepEqual(parseInstall(unitFiles["ssh.service"]!), {
      wantedBy: ["multi-user.target"],
      requiredBy: [],
      alias: ["sshd.service"],
      also: ["ssh.socket"],
      defaultInstance: undefined,
    });
    assert.deepEqual(parseInstall(unitFiles["fstrim.timer"]!).wantedBy, ["timers.target", "basic.target"]);
    assert.equal(parseInstall(unitFiles["getty@.service"]!).defaultInstance, "tty1");
    assert.deepEqual(parseInstall("[Service]\nWantedBy=wrong.target\n").wantedBy, []);
  });
});

describe("enableUnits", () => {
  // container-getty@.service has no DefaultInstance: enabling the bare template links nothing.
  const names = [
    "ssh.service",
    "serial-getty@ttyS1.service",
    "getty@.service",
    "container-getty@.service",
    "fstrim.timer",
  ];
  const viaAlias = ["sshd-alias.service", "fstrim.timer"];

  it("makes WantedBy, RequiredBy, Alias and Also links, with template instances", () => {
    const tree = unitTree();
    enableUnits(tree, names);
    assert.deepEqual(symlinksUnder(tree, "etc/systemd/system"), [
      `etc/systemd/system/basic.target.wants/fstrim.timer -> /${lib}/fstrim.timer`,
      `etc/systemd/system/getty.target.wants/getty@tty1.service -> /${lib}/getty@.service`,
      `etc/systemd/system/getty.target.wants/serial-getty@ttyS1.service -> /${lib}/serial-getty@.service`,
      `etc/systemd/system/multi-user.target.wants/ssh.service -> /${lib}/ssh.service`,
      `etc/systemd/system/sockets.target.wants/ssh.socket -> /${lib}/ssh.socket`,
      `etc/systemd/system/ssh.service.requires/ssh.socket -> /${lib}/ssh.socket`,
      `etc/systemd/system/sshd.service -> /${lib}/ssh.service`,
      `etc/systemd/system/timers.target.wants/fstrim.timer -> /${lib}/fstrim.timer`,
    ]);
  });

  it("makes the same links as systemctl --root enable", (t) => {
    if (!existsSync("/usr/bin/systemctl") && !existsSync("/bin/systemctl")) {
      t.skip("systemctl not installed");
      return;
    }
    const tree = unitTree();
    enableUnits(tree, names);
    // systemctl fails outright on the bare template; the rest must match.
    assert.deepEqual(
      symlinksUnder(tree, "etc/systemd/system"),
      systemctlEnable(names.filter((n) => n !== "container-getty@.service")),
    );
    const aliased = unitTree();
    enableUnits(aliased, viaAlias);
    assert.deepEqual(symlinksUnder(aliased, "etc/systemd/system"), systemctlEnable(viaAlias));
  });

  it("enables a unit through an alias symlink under the real unit's name", () => {
    const tree = unitTree();
    enableUnits(tree, ["sshd-alias.service"]);
    const links = symlinksUnder(tree, "etc/systemd/system");
    assert.ok(
      links.includes(`etc/systemd/system/multi-user.target.wants/ssh.service -> /${lib}/ssh.service`),
      String(links),
    );
    assert.ok(!links.some((l) => l.includes("sshd-alias")));
  });

  it("throws rootfs.conflict for a unit that is not in the image", () => {
    assert.throws(
      () => enableUnits(unitTree(), ["nope.service"]),
      (e: unknown) =>
        e instanceof BrokkrError && e.code === "rootfs.conflict" && e.message.includes("nope.service"),
    );
  });

  it("disableUnits removes the links again", () => {
    const tree = unitTree();
    enableUnits(tree, ["ssh.service"]);
    disableUnits(tree, ["ssh.socket"]);
    assert.deepEqual(symlinksUnder(tree, "etc/systemd/system"), [
      `etc/systemd/system/multi-user.target.wants/ssh.service -> /${lib}/ssh.service`,
      `etc/systemd/system/sshd.service -> /${lib}/ssh.service`,
    ]);
  });
});

// Shaped like debhelper 13's dh_installsystemd snippets (openssh-server's postinst).
const sshPostinst = `#!/bin/sh
set -e
# Automatically added by dh_installsystemd/13.11.4
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ] ; then
\tif deb-systemd-helper debian-installed 'ssh.socket'; then
\t\t# The following line should be removed in trixie or trixie+1
\t\tdeb-systemd-helper unmask 'ssh.socket' >/dev/null || true

\t\tif deb-systemd-helper --quiet was-enabled 'ssh.socket'; then
\t\t\t# Create new symlinks, if any.
\t\t\tdeb-systemd-helper enable 'ssh.socket' >/dev/null || true
\t\tfi
\tfi

\tdeb-systemd-helper update-state 'ssh.socket' >/dev/null || true
fi
# End automatically added section
# Automatically added by dh_installsystemd/13.11.4
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ] ; then
\tdeb-systemd-helper unmask 'ssh.service' >/dev/null || true
\tif deb-systemd-helper --quiet was-enabled 'ssh.service'; then
\t\tdeb-systemd-helper enable 'ssh.service' >/dev/null || true
\telse
\t\tdeb-systemd-helper update-state 'ssh.service' >/dev/null || true
\tfi
fi
# End automatically added section
`;

// Shaped like systemd's own postinst.
const systemdPostinst = `#!/bin/sh
set -e
if [ -z "$2" ]; then
    systemctl \${DPKG_ROOT:+--root="$DPKG_ROOT"} enable getty@tty1.service || true
    systemctl \${DPKG_ROOT:+--root="$DPKG_ROOT"} enable remote-fs.target || true
fi
_systemctl try-restart systemd-journald.service || true
`;

describe("packageDefaultUnits", () => {
  it("finds what a fresh install enables, not the upgrade-only blocks", () => {
    const pkgs = [
      fakePackage("openssh-server", { control: { postinst: sshPostinst } }),
      fakePackage("systemd", { control: { postinst: systemdPostinst } }),
      fakePackage("no-script"),
    ];
    assert.deepEqual(packageDefaultUnits(pkgs), ["getty@tty1.service", "remote-fs.target", "ssh.service"]);
  });
});
