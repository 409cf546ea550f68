// What `pam-auth-update --package` does in libpam-runtime's postinst: build /etc/pam.d/common-*
// from the profiles in /usr/share/pam-configs. We do it at build time because no maintainer
// script runs, and without these files neither `login` nor sshd can authenticate anyone.
// The rules (order, `-Initial` lines, jump counts, non-interactive sessions) follow
// pam-auth-update's own; pam.test.ts checks the output against the real tool.
import { compareBytes } from "./tree-paths.ts";

interface Profile {
  name: string;
  priority: number;
  fields: Map<string, string>;
}

const kinds = [
  { file: "common-auth", key: "Auth" },
  { file: "common-account", key: "Account" },
  { file: "common-password", key: "Password" },
  { file: "common-session", key: "Session" },
  { file: "common-session-noninteractive", key: "Session" },
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
      // `Auth-Final` is the first-round name of `Auth`; pam-auth-update still reads it so.
      key = line
        .slice(0, i)
        .trim()
        .replace(/-Final$/, "");
      fields.set(key, line.slice(i + 1).trim());
    }
  }
  return { name, priority: Number(fields.get("Priority") ?? 0), fields };
}

/** Returns file name → contents for /etc/pam.d. Profiles whose `Default` is not yes are left out. */
export function buildPamCommon(profiles: Profile[]): Map<string, string> {
  // pam-auth-update enables exactly `Default: yes` and breaks priority ties by name, descending.
  const active = profiles
    .filter((p) => p.fields.get("Default") === "yes")
    .sort((a, b) => b.priority - a.priority || compareBytes(b.name, a.name));
  const out = new Map<string, string>();
  for (const kind of kinds) {
    const type = kind.key.toLowerCase();
    // Any Session-Interactive-Only field, whatever its value, keeps a profile out of here.
    const usable =
      kind.file === "common-session-noninteractive"
        ? active.filter((p) => !p.fields.has("Session-Interactive-Only"))
        : active;
    // The first profile of each block uses its `-Initial` lines, if it has any.
    const blockLines = (block: "Primary" | "Additional") =>
      usable
        .filter((p) => p.fields.get(`${kind.key}-Type`) === block)
        .flatMap((p, i) =>
          ((i === 0 && p.fields.get(`${kind.key}-Initial`)) || p.fields.get(kind.key) || "")
            .split("\n")
            .map((l) => l.trim())
            .filter(Boolean),
        );
    const primary = blockLines("Primary");
    const additional = blockLines("Additional");
    // `success=end` jumps to the end of the block: over the rest of the primary lines and the
    // deny fallback; in the additional block, to its last line.
    const render = (lines: string[], end: number) =>
      lines.map((l, i) => {
        const control = /^(\[[^\]]*\]|\S+)\s*/.exec(l)?.[1] ?? "";
        return `${type}\t${control.replace(/end/g, String(end - i))}\t${l.slice(control.length).trim()}`;
      });
    const body: string[] = [`# /etc/pam.d/${kind.file} - written by Brokkr from /usr/share/pam-configs`];
    if (primary.length === 0) body.push(`${type}\t[default=1]\t\t\tpam_permit.so`);
    body.push(...render(primary, primary.length));
    body.push(`${type}\trequisite\t\t\tpam_deny.so`, `${type}\trequired\t\t\tpam_permit.so`);
    body.push(...render(additional, additional.length - 1));
    out.set(kind.file, `${body.join("\n")}\n`);
  }
  return out;
}
