// What `pam-auth-update --package` does in libpam-runtime's postinst: build /etc/pam.d/common-*
// from the profiles in /usr/share/pam-configs. We do it at build time because no maintainer
// script runs, and without these files neither `login` nor sshd can authenticate anyone.

interface Profile {
  name: string;
  priority: number;
  fields: Map<string, string>;
}

const kinds = [
  { file: "common-auth", key: "Auth", fallback: "auth\trequisite\t\t\tpam_deny.so\nauth\trequired\t\t\tpam_permit.so" },
  {
    file: "common-account",
    key: "Account",
    fallback: "account\trequisite\t\t\tpam_deny.so\naccount\trequired\t\t\tpam_permit.so",
  },
  {
    file: "common-password",
    key: "Password",
    fallback: "password\trequisite\t\t\tpam_deny.so\npassword\trequired\t\t\tpam_permit.so",
  },
  {
    file: "common-session",
    key: "Session",
    fallback: "session\trequisite\t\t\tpam_deny.so\nsession\trequired\t\t\tpam_permit.so",
  },
  {
    file: "common-session-noninteractive",
    key: "Session",
    fallback: "session\trequisite\t\t\tpam_deny.so\nsession\trequired\t\t\tpam_permit.so",
  },
] as const;

export function parsePamProfile(name: string, text: string): Profile {
  const fields = new Map<string, string>();
  let key = "";
  for (const line of text.split("\n")) {
    if (/^\s/.test(line) && key) {
      const prev = fields.get(key) ?? "";
      fields.set(key, prev ? `${prev}\n${line.trim()}` : line.trim());
    } else if (line.includes(":")) {
      const i = line.indexOf(":");
      key = line.slice(0, i).trim();
      fields.set(key, line.slice(i + 1).trim());
    }
  }
  return { name, priority: Number(fields.get("Priority") ?? 0), fields };
}

/** Returns file name → contents for /etc/pam.d. Profiles whose `Default` is not yes are left out. */
export function buildPamCommon(profiles: Profile[]): Map<string, string> {
  const active = profiles
    .filter((p) => (p.fields.get("Default") ?? "yes").toLowerCase() === "yes")
    .sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
  const out = new Map<string, string>();
  for (const kind of kinds) {
    const type = kind.key.toLowerCase();
    const nonInteractive = kind.file === "common-session-noninteractive";
    const usable = active.filter(
      (p) => !(nonInteractive && (p.fields.get("Session-Interactive-Only") ?? "").toLowerCase() === "yes"),
    );
    const linesOf = (p: Profile, first: boolean) =>
      ((first && p.fields.get(`${kind.key}-Initial`)) || p.fields.get(kind.key) || "")
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
    const primary = usable.filter((p) => p.fields.get(`${kind.key}-Type`) === "Primary");
    const additional = usable.filter((p) => p.fields.get(`${kind.key}-Type`) === "Additional");

    const primaryLines: string[] = [];
    primary.forEach((p, i) => {
      for (const l of linesOf(p, i === 0)) primaryLines.push(l);
    });
    const body: string[] = [`# /etc/pam.d/${kind.file} - written by Brokkr from /usr/share/pam-configs`];
    if (primaryLines.length === 0) body.push(`${type}\t[default=1]\t\t\tpam_permit.so`);
    primaryLines.forEach((l, i) => {
      // `success=end` jumps over the remaining primary lines and the deny fallback.
      const jump = primaryLines.length - i;
      body.push(`${type}\t${l.replace(/success=end/, `success=${jump}`).replace(/\s+(?=pam_)/, "\t")}`);
    });
    body.push(kind.fallback);
    for (const p of additional) {
      for (const l of linesOf(p, primary.length === 0)) body.push(`${type}\t${l.replace(/\s+(?=pam_)/, "\t")}`);
    }
    out.set(kind.file, `${body.join("\n")}\n`);
  }
  return out;
}
