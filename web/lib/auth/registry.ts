// The one Access of this process, shared by the HTTP layer and Next's server actions the way the
// service is (see ../service/registry.ts): on globalThis, since Next bundles its own copy of
// this module. Keep this file free of runtime imports: it is compiled into the Next bundle.
import type { Access } from "./access.ts";

const slot = Symbol.for("brokkr.access");

type Holder = { [slot]?: Access };

export function setAccess(access: Access | undefined): void {
  (globalThis as Holder)[slot] = access;
}

/** undefined when this process runs no Brokkr server (the UI alone under `next start`). */
export function accessIfRunning(): Access | undefined {
  return (globalThis as Holder)[slot];
}

/** The cookie the UI keeps the token in, for one browser session (no Max-Age). */
export const tokenCookie = "brokkr_token";
