import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { configureRootfs } from "./configure.ts";
import { Tree } from "./tree.ts";
import { fakePackage, readText, symlinksUnder } from "./tree-fixture.ts";

const epoch = 1700000000;
const lib = "usr/lib/systemd/system";
const sshdConfig = Buffer.from("Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\n");

const sshPostinst = `#!/bin/sh
set -e
# Automatically added by dh_installsystemd/13.11.4
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] ; then
\tif deb-systemd-helper debian-installed 'ssh.socket'; then
\t\tdeb-systemd-helper enable 'ssh.socket' >/dev/null || true
\tfi
fi
# End automatically added section
# Automatically added by dh_installsystemd/13.11.4
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] ; then
\tif deb-systemd-helper --quiet was-enabled 'ssh.service'; then
\t\tdeb-systemd-helper enable 'ssh.service' >/dev/null || true
\tfi
fi
# End automatically added section
`;
const systemdPostinst = `#!/bin/sh
set -e
if [ -z "$2" ]; then
    systemctl \${DPKG_ROOT:+--root="$DPKG_ROOT"} enable getty@tty1.service || true
    systemctl \${DPKG_ROOT:+--root="$DPKG_ROOT"} enable remote-fs.target || true
fi
`;

/** The few files of base-passwd, libpam-runtime, openssh-server and systemd that configure reads. */
function fixture(): Tree {
  const tree = new Tree({ sourceDateEpoch: epoch });
  tree.createMergedUsr("amd64");
  const put = (path: string, text: string | Buffer, mode = 0o644) =>
    tree.writeFile(path, Buffer.from(text), { mode });
  put(
    "usr/share/base-passwd/passwd.master",
    "root:*:0:0:root:/root:/bin/bash\nsshd:*:100:65534::/run/sshd:/usr/sbin/nologin\n",
  );
  put("usr/share/base-passwd/group.master", "root:*:0:\nshadow:*:42:\nsudo:*:27:\nnogroup:*:65534:\n");
  put(
    "usr/share/pam-configs/unix",
    "Name: Unix authentication\nDefault: yes\nPriority: 256\nAuth-Type: Primary\nAuth:\n" +
      "\t[success=end default=ignore]\tpam_unix.so nullok\n",
  );
  put("usr/share/openssh/sshd_config", sshdConfig);
  put("usr/sbin/sshd", "ELF", 0o755);
  put(
    `${lib}/ssh.service`,
    "[Service]\nExecStart=/usr/sbin/sshd -D\n\n[Install]\nWantedBy=multi-user.target\nAlias=sshd.service\n",
  );
  put(`${lib}/ssh.socket`, "[Socket]\nListenStream=22\n\n[Install]\nWantedBy=sockets.target\n");
  put("usr/lib/systemd/systemd", "ELF", 0o755);
  put(
    `${lib}/getty@.service`,
    "[Service]\nExecStart=-/sbin/agetty %I\n\n[Install]\nWantedBy=getty.target\nDefaultInstance=tty1\n",
  );
  put(
    `${lib}/serial-getty@.service`,
    "[Service]\nExecStart=-/sbin/agetty %I\n\n[Install]\nWantedBy=getty.target\n",
  );
  put(`${lib}/systemd-hwdb-update.service`, "[Unit]\nConditionNeedsUpdate=/etc\n");
  put("usr/lib/udev/hwdb.d/20-pci-vendor-model.hwdb", "pci:v00008086*\n ID_VENDOR_FROM_DATABASE=Intel\n");
  put("usr/share/doc/openssh-server/copyright", "BSD\n");
  put("usr/share/doc/openssh-server/README.Debian.gz", "readme");
  return tree;
}

const packages = [
  fakePackage("base-passwd", { files: ["/.", "/usr/share/base-passwd/passwd.master"] }),
  fakePackage("openssh-server", { files: ["/.", "/usr/sbin/sshd"], control: { postinst: sshPostinst } }),
  fakePackage("systemd", {
    files: ["/.", "/usr/lib/systemd/systemd"],
    control: { postinst: systemdPostinst },
  }),
];

function configure(tree: Tree) {
  return configureRootfs(tree, {
    packages,
    settings: { hostname: "anvil", timezone: "UTC", locale: "C.UTF-8", keymap: "us", schematicId: "abc123" },
    users: [
      {
        name: "smith",
        groups: ["sudo"],
        sshAuthorizedKeys: ["ssh-ed25519 AAAA smith@forge"],
        passwordHash: null,
      },
    ],
    rootPasswordHash: null,
    sourceDateEpoch: epoch,
    files: [{ path: "etc/motd", data: Buffer.from("Forged by Brokkr\n"), mode: 0o644 }],
    enable: ["serial-getty@ttyS0.service"],
    // Enabled by systemd's postinst, but not wanted here (and not even in the image).
    disable: ["remote-fs.target"],
  });
}

describe("configureRootfs", () => {
  it("turns unpacked packages into a bootable, configured tree", () => {
    const tree = fixture();
    const { enabled } = configure(tree);

    assert.deepEqual(enabled, ["getty@tty1.service", "serial-getty@ttyS0.service", "ssh.service"]);
    assert.deepEqual(symlinksUnder(tree, "etc/systemd/system"), [
      `etc/systemd/system/getty.target.wants/getty@tty1.service -> /${lib}/getty@.service`,
      `etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service -> /${lib}/serial-getty@.service`,
      `etc/systemd/system/multi-user.target.wants/ssh.service -> /${lib}/ssh.service`,
      `etc/systemd/system/sshd.service -> /${lib}/ssh.service`,
      // udev's hwdb is never compiled in the image: see `masked` in configure.ts.
      "etc/systemd/system/systemd-hwdb-update.service -> /dev/null",
    ]);

    // What openssh-server's postinst would have made from its template.
    const sshd = tree.get("etc/ssh/sshd_config");
    assert.deepEqual(sshd?.data, sshdConfig);
    assert.equal(sshd?.mode, 0o644);

    const init = tree.get("init");
    assert.deepEqual([init?.kind, init?.target], ["symlink", "usr/lib/systemd/systemd"]);
  });

  it("runs every step: trim, accounts, settings, PAM, dpkg database, extra files", () => {
    const tree = fixture();
    configure(tree);
    assert.ok(!tree.has("usr/lib/udev/hwdb.d/20-pci-vendor-model.hwdb"));
    assert.ok(!tree.has("usr/share/doc/openssh-server/README.Debian.gz"));
    assert.ok(tree.has("usr/share/doc/openssh-server/copyright"));
    assert.match(readText(tree, "etc/passwd"), /^smith:x:1000:1000:smith:\/home\/smith:\/bin\/bash$/m);
    assert.match(readText(tree, "etc/group"), /^sudo:x:27:smith$/m);
    assert.equal(readText(tree, "home/smith/.ssh/authorized_keys"), "ssh-ed25519 AAAA smith@forge\n");
    assert.equal(readText(tree, "etc/hostname"), "anvil\n");
    assert.match(
      readText(tree, "etc/pam.d/common-auth"),
      /^auth\t\[success=1 default=ignore\]\tpam_unix\.so nullok$/m,
    );
    assert.match(
      readText(tree, "var/lib/dpkg/status"),
      /^Package: openssh-server\nStatus: install ok installed$/m,
    );
    assert.equal(readText(tree, "var/lib/dpkg/info/systemd.postinst"), systemdPostinst);
    assert.equal(readText(tree, "etc/motd"), "Forged by Brokkr\n");
  });

  it("keeps an sshd_config that is already there", () => {
    const tree = fixture();
    tree.writeFile("etc/ssh/sshd_config", Buffer.from("Port 2222\n"), { mode: 0o600 });
    configure(tree);
    assert.equal(readText(tree, "etc/ssh/sshd_config"), "Port 2222\n");
  });
});
