// The schematic IDs this browser made, in local storage: the Builds and Schematics pages ask
// the server about these and no others. Newest first, at most MAX.
const KEY = "brokkr.my-schematics";
const MAX = 200;

type Store = Pick<Storage, "getItem" | "setItem">;

export function myIds(store: Store): string[] {
  try {
    const v: unknown = JSON.parse(store.getItem(KEY) ?? "[]");
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && /^[0-9a-f]{64}$/.test(x)) : [];
  } catch {
    return [];
  }
}

export function rememberId(store: Store, id: string): void {
  if (!/^[0-9a-f]{64}$/.test(id)) return;
  try {
    store.setItem(KEY, JSON.stringify([id, ...myIds(store).filter((x) => x !== id)].slice(0, MAX)));
  } catch {
    // Storage full or denied: the lists just will not show this one.
  }
}

export function forgetId(store: Store, id: string): void {
  try {
    store.setItem(KEY, JSON.stringify(myIds(store).filter((x) => x !== id)));
  } catch {
    // as above
  }
}
