// What an operator sees on the server's output: one JSON line per build state change and per
// failed request, for a log collector to parse. A flood of failures is aggregated: at most
// `perSecond` request lines a second, then one line counting the rest. Never a token, a cookie,
// a request body or a password hash: only method, path (no query), status, error code, client.
import type { IncomingMessage } from "node:http";
import type { BuildRecord } from "../lib/service/types.ts";

export type LogWrite = (line: string) => void;

export interface OpsLog {
  build(b: Pick<BuildRecord, "id" | "schematicId" | "status" | "error">): void;
  failedRequest(req: IncomingMessage, status: number, code: string, client: string): void;
  close(): void;
}

export function createOpsLog(write: LogWrite, perSecond = 20): OpsLog {
  let shown = 0;
  let suppressed = 0;
  const emit = (fields: Record<string, unknown>) => write(JSON.stringify({ time: new Date().toISOString(), ...fields }));
  const timer = setInterval(() => {
    if (suppressed > 0) emit({ event: "requests.suppressed", count: suppressed, note: "failed requests not logged one by one (more than the per-second budget)" });
    shown = 0;
    suppressed = 0;
  }, 1000);
  timer.unref();
  return {
    build(b) {
      emit({ event: "build", build: b.id, schematic: b.schematicId, status: b.status, ...(b.error ? { code: b.error.code } : {}) });
    },
    failedRequest(req, status, code, client) {
      if (shown >= perSecond) {
        suppressed++;
        return;
      }
      shown++;
      const path = (req.url ?? "").split("?")[0]!.slice(0, 200);
      emit({ event: "request.failed", method: req.method, path, status, code, client });
    },
    close() {
      clearInterval(timer);
    },
  };
}
