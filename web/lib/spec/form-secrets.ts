// Password hashes of the forms this browser filled in, kept in local storage and never in the
// URL: each entry is filed under the URL parameter of the form it belongs to, so reload, the
// back button and crash recovery bring them back, and a shared link carries none.
import type { ImageSpec } from "@brokkr/composer/browser";

const KEY = "brokkr.form-secrets";
/** Forms remembered; the oldest is forgotten first. */
const KEEP = 20;

interface Secrets {
  root: string | null;
  /** By user index: the URL's spec fixes the order. */
  users: (string | null)[];
}

type Store = Pick<Storage, "getItem" | "setItem" | "removeItem">;

function readAll(store: Store): [string, Secrets][] {
  try {
    const value: unknown = JSON.parse(store.getItem(KEY) ?? "[]");
    return Array.isArray(value) ? (value as [string, Secrets][]) : [];
  } catch {
    return [];
  }
}

export function saveSecrets(store: Store, param: string, spec: ImageSpec): void {
  const secrets: Secrets = {
    root: spec.system.rootPassword,
    users: spec.system.users.map((u) => u.passwordHash),
  };
  const others = readAll(store).filter(([p]) => p !== param);
  const has = secrets.root !== null || secrets.users.some((h) => h !== null);
  const all = has ? [...others, [param, secrets] as [string, Secrets]].slice(-KEEP) : others;
  try {
    if (all.length === 0) store.removeItem(KEY);
    else store.setItem(KEY, JSON.stringify(all));
  } catch {
    // Storage full or denied: the form still works, the hashes just will not survive a reload.
  }
}

/** The spec with the hashes saved for this parameter filled in where it has none. */
export function restoreSecrets(store: Store, param: string, spec: ImageSpec): ImageSpec {
  const found = readAll(store).find(([p]) => p === param)?.[1];
  if (!found) return spec;
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  return {
    ...spec,
    system: {
      ...spec.system,
      rootPassword: spec.system.rootPassword ?? str(found.root),
      users: spec.system.users.map((u, i) => ({
        ...u,
        passwordHash: u.passwordHash ?? str(Array.isArray(found.users) ? found.users[i] : null),
      })),
    },
  };
}
