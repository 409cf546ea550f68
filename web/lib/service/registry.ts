// The one BrokkrService of this process. The server registers it at startup; the HTTP layer and
// Next's server actions fetch it here. It lives on globalThis because Next bundles its own copy
// of this module: a module-level variable would be a different one there.
// Keep this file free of runtime imports: it is compiled into the Next bundle.
import type { BrokkrService } from "./types.ts";

const slot = Symbol.for("brokkr.service");

type Holder = { [slot]?: BrokkrService };

export function setService(svc: BrokkrService | undefined): void {
  (globalThis as Holder)[slot] = svc;
}

export function getService(): BrokkrService {
  const svc = (globalThis as Holder)[slot];
  if (!svc) {
    // Shaped like a BrokkrError (name, code, hint) without importing it.
    throw Object.assign(new Error("the image service is not running in this process"), {
      name: "BrokkrError",
      code: "service.unavailable",
      hint: "start the UI through the Brokkr server (node web/server/main.ts, or npm start), not `next start`",
      problems: [],
    });
  }
  return svc;
}
