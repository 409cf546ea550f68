// The normal form of a spec: defaults applied, lists whose order means nothing sorted and
// de-duplicated. Two specs that mean the same thing have the same normal form, hence the same
// schematic ID. `boot.cmdline` keeps its order: kernel arguments can depend on it.
import type { ImageSpec, ImageSpecInput, User } from "./image-spec.ts";
import { parseSpecValue } from "./parse.ts";

/** Sorted by UTF-16 code units, never by locale, so every machine agrees. */
function sortUnique<T extends string>(list: readonly T[]): T[] {
  return [...new Set(list)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function normalizeUser(user: User): User {
  return { ...user, groups: sortUnique(user.groups), sshAuthorizedKeys: sortUnique(user.sshAuthorizedKeys) };
}

export function normalizeSpec(input: ImageSpecInput | ImageSpec): ImageSpec {
  const spec = parseSpecValue(input);
  return {
    ...spec,
    boot: { ...spec.boot, cmdline: [...spec.boot.cmdline] },
    debian: { ...spec.debian, components: sortUnique(spec.debian.components) },
    drivers: sortUnique(spec.drivers),
    ports: sortUnique(spec.ports),
    packages: sortUnique(spec.packages),
    units: { enable: sortUnique(spec.units.enable), disable: sortUnique(spec.units.disable) },
    system: {
      ...spec.system,
      // Stable sort: two entries with one name stay in the written order (validateSpec rejects them).
      users: spec.system.users
        .map(normalizeUser)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    },
    outputs: sortUnique(spec.outputs),
  };
}
