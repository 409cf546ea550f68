// Who can log in to an image, and how: the configurator warns before the build when nobody can,
// and the build page names the real user in its SSH hint.
import type { Catalog } from "@brokkr/composer/browser";
import type { ImageSpec } from "@brokkr/composer/browser";

const SSH_SERVER = "openssh-server";

export interface LoginWays {
  /** A user that SSH lets in (a key or a password, and an SSH server), for `ssh user@…`. */
  sshUser: string | undefined;
  /** Root or a user with a password: a login on the console. */
  console: boolean;
  /** Why nobody can log in, or undefined when someone can. */
  warning: string | undefined;
  hasSshServer: boolean;
}

export function hasSshServer(spec: ImageSpec, catalog?: Catalog): boolean {
  if (spec.packages.includes(SSH_SERVER) || spec.ports.includes(SSH_SERVER)) return true;
  return spec.ports.some((id) => catalog?.ports.get(id)?.packages.includes(SSH_SERVER));
}

export function loginWays(spec: ImageSpec, catalog?: Catalog): LoginWays {
  const sshd = hasSshServer(spec, catalog);
  const users = spec.system.users.filter((u) => u.name !== "");
  const sshUser = sshd
    ? users.find((u) => u.sshAuthorizedKeys.length > 0 || u.passwordHash !== null)?.name
    : undefined;
  const console = spec.system.rootPassword !== null || users.some((u) => u.passwordHash !== null);
  let warning: string | undefined;
  if (!sshUser && !console) {
    const keyed = users.some((u) => u.sshAuthorizedKeys.length > 0);
    warning = keyed
      ? "Nobody can log in: the users' SSH keys need an SSH server (the openssh-server port), and no one has a password."
      : "Nobody can log in: no user has an SSH key or a password, and root is locked.";
  }
  return { sshUser, console, warning, hasSshServer: sshd };
}
