import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { buildPamCommon, parsePamProfile } from "./pam.ts";

const files = ["auth", "account", "password", "session", "session-noninteractive"].map((t) => `common-${t}`);

// Profile texts shaped like Debian 12's /usr/share/pam-configs (libpam-runtime, libpam-systemd,
// libpam-cap, libpam-modules).
const debian: Record<string, string> = {
  unix: `Name: Unix authentication
Default: yes
Priority: 256
Auth-Type: Primary
Auth:
\t[success=end default=ignore]\tpam_unix.so nullok try_first_pass
Auth-Initial:
\t[success=end default=ignore]\tpam_unix.so nullok
Account-Type: Primary
Account:
\t[success=end new_authtok_reqd=done default=ignore]\tpam_unix.so
Account-Initial:
\t[success=end new_authtok_reqd=done default=ignore]\tpam_unix.so
Session-Type: Additional
Session:
\trequired\tpam_unix.so
Session-Initial:
\trequired\tpam_unix.so
Password-Type: Primary
Password:
\t[success=end default=ignore]\tpam_unix.so obscure use_authtok try_first_pass yescrypt
Password-Initial:
\t[success=end default=ignore]\tpam_unix.so obscure yescrypt
`,
  systemd: `Name: Register user sessions in the systemd control group hierarchy
Default: yes
Priority: 0
Session-Interactive-Only: yes
Session-Type: Additional
Session:
\toptional\tpam_systemd.so
`,
  capability: `Name: Inheritable Capabilities Management
Default: yes
Priority: 0
Auth-Type: Additional
Auth-Final:
\toptional\t\t\tpam_cap.so
`,
  mkhomedir: `Name: Create home directory on login
Default: no
Priority: 0
Session-Type: Additional
Session-Interactive-Only: yes
Session:
\toptional\t\t\tpam_mkhomedir.so
`,
};

/** The lines PAM reads, with whitespace runs made single spaces. */
function pamLines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim().replace(/\s+/g, " "))
    .filter((l) => l && !l.startsWith("#"));
}

function ours(profiles: Record<string, string>): Map<string, string[]> {
  const built = buildPamCommon(Object.entries(profiles).map(([n, t]) => parsePamProfile(n, t)));
  return new Map([...built].map(([f, t]) => [f, pamLines(t)]));
}

/**
 * Runs Debian's own pam-auth-update on `profiles` in a scratch root with a scratch debconf
 * database (nothing on the host changes). Null when the tool is not installed.
 */
function theirs(profiles: Record<string, string>): Map<string, string[]> | null {
  if (!existsSync("/usr/sbin/pam-auth-update") || !existsSync("/usr/share/pam/common-auth")) return null;
  const dir = mkdtempSync(join(tmpdir(), "brokkr-pam-"));
  try {
    const root = join(dir, "root");
    for (const d of ["usr/share/pam-configs", "etc/pam.d", "var/lib/pam"])
      mkdirSync(join(root, d), { recursive: true });
    for (const [name, text] of Object.entries(profiles))
      writeFileSync(join(root, "usr/share/pam-configs", name), text);
    const db = (name: string, file: string) => `Name: ${name}\nDriver: File\nFilename: ${join(dir, file)}\n`;
    writeFileSync(
      join(dir, "debconf.conf"),
      `Config: configdb\nTemplates: templatedb\n\n${db("configdb", "config.dat")}\n${db("templatedb", "templates.dat")}`,
    );
    execFileSync("/usr/sbin/pam-auth-update", ["--root", root, "--package", "--force"], {
      env: { ...process.env, DEBCONF_SYSTEMRC: join(dir, "debconf.conf"), DEBIAN_FRONTEND: "noninteractive" },
      stdio: "pipe",
    });
    return new Map(files.map((f) => [f, pamLines(readFileSync(join(root, "etc/pam.d", f), "utf8"))]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertSameAsDebian(profiles: Record<string, string>, t: { skip: (m: string) => void }): void {
  const expected = theirs(profiles);
  if (!expected) {
    t.skip("pam-auth-update (libpam-runtime) is not installed");
    return;
  }
  assert.deepEqual(ours(profiles), expected);
}

describe("buildPamCommon", () => {
  it("builds Debian's default stack from Debian's profiles", () => {
    const out = ours(debian);
    assert.deepEqual(out.get("common-auth"), [
      "auth [success=1 default=ignore] pam_unix.so nullok",
      "auth requisite pam_deny.so",
      "auth required pam_permit.so",
      "auth optional pam_cap.so",
    ]);
    assert.deepEqual(out.get("common-session"), [
      "session [default=1] pam_permit.so",
      "session requisite pam_deny.so",
      "session required pam_permit.so",
      "session required pam_unix.so",
      "session optional pam_systemd.so",
    ]);
    // Interactive-only (systemd) and Default: no (mkhomedir) profiles stay out.
    assert.ok(!out.get("common-session-noninteractive")!.some((l) => /systemd|mkhomedir/.test(l)));
    assert.deepEqual(
      out.get("common-password")?.[0],
      "password [success=1 default=ignore] pam_unix.so obscure yescrypt",
    );
  });

  it("matches the host's /etc/pam.d/common-* for the profiles the host enabled", (t) => {
    const saved = files.map((f) => join("/var/lib/pam", f.slice("common-".length)));
    if (!existsSync("/usr/share/pam-configs") || !saved.every(existsSync)) {
      t.skip("the host has no pam-auth-update state in /var/lib/pam");
      return;
    }
    // /var/lib/pam/<type> records which profile wrote each managed line.
    const enabled = new Set(
      saved.flatMap((f) => [...readFileSync(f, "utf8").matchAll(/^Module: (.+)$/gm)].map((m) => m[1]!)),
    );
    const profiles: Record<string, string> = {};
    for (const name of readdirSync("/usr/share/pam-configs")) {
      const text = readFileSync(join("/usr/share/pam-configs", name), "utf8").replace(/^Default:.*$/m, "");
      profiles[name] = `Default: ${enabled.has(name) ? "yes" : "no"}\n${text}`;
    }
    const out = ours(profiles);
    for (const f of files) {
      assert.deepEqual(out.get(f), pamLines(readFileSync(join("/etc/pam.d", f), "utf8")), f);
    }
  });

  it("agrees with pam-auth-update on Debian's profiles, mkhomedir included", (t) => {
    // Equal priorities: pam-auth-update puts systemd before mkhomedir (names descending).
    assertSameAsDebian({ ...debian, mkhomedir: debian.mkhomedir!.replace("Default: no", "Default: yes") }, t);
  });

  it("agrees with pam-auth-update on two primary modules and odd fields", (t) => {
    assertSameAsDebian(
      {
        ...debian,
        sss: `Name: SSS authentication
Default: yes
Priority: 128
Auth-Type: Primary
Auth:
\t[success=end new_authtok_reqd=ok default=ignore]\tpam_sss.so use_first_pass
Auth-Initial:
\t[success=end new_authtok_reqd=ok default=ignore]\tpam_sss.so
Account-Type: Additional
Account:
\t[default=bad success=ok user_unknown=ignore]\tpam_sss.so
Session-Type: Additional
Session-Interactive-Only: no
Session:
\toptional\tpam_sss.so
`,
        // No Default line: pam-auth-update does not enable it.
        nodefault:
          "Name: no default\nPriority: 500\nAuth-Type: Primary\nAuth:\n\trequired\tpam_nodefault.so\n",
        // Two additional lines with a jump, and a `-Initial` used only as the block's first.
        env: `Name: env
Default: yes
Priority: 10
Session-Type: Additional
Session:
\t[success=end default=ignore]\tpam_succeed_if.so quiet user ingroup nobody
\trequired\tpam_env.so readenv=1 append
Session-Initial:
\t[success=end default=ignore]\tpam_succeed_if.so quiet
\trequired\tpam_env.so
`,
      },
      t,
    );
  });

  it("agrees with pam-auth-update when no profile is primary", (t) => {
    assertSameAsDebian({ systemd: debian.systemd!, capability: debian.capability! }, t);
  });
});
