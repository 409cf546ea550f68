// Server-only access to the image service for pages: undefined when this process has none
// (the UI alone under `next start`), so a page can say so instead of failing.
import "server-only";
import { getService } from "../service/registry.ts";
import type { BrokkrService } from "../service/types.ts";

export function serviceIfRunning(): BrokkrService | undefined {
  try {
    return getService();
  } catch {
    return undefined;
  }
}
