// Password hashes are part of a spec (and of its schematic ID) but are never served back: a
// crypt(3) hash can be attacked offline. Whatever shows a stored spec — API, manifest, UI —
// shows this instead. Pure, so the browser bundle can use it too.
import type { ImageSpec } from "@brokkr/composer/browser";

export const redacted = "<redacted: set>";

/** The spec with every set password hash replaced by `redacted` (a new object; the input is untouched). */
export function redactSpec<T extends Pick<ImageSpec, "system">>(spec: T): T {
  const system = spec.system;
  if (!system || !hasSecrets(spec)) return spec;
  return {
    ...spec,
    system: {
      ...system,
      ...(system.rootPassword ? { rootPassword: redacted } : {}),
      users: (system.users ?? []).map((u) => (u.passwordHash ? { ...u, passwordHash: redacted } : u)),
    },
  };
}

export function hasSecrets(spec: Pick<ImageSpec, "system">): boolean {
  const system = spec.system;
  return Boolean(system && (system.rootPassword || (system.users ?? []).some((u) => u.passwordHash)));
}
