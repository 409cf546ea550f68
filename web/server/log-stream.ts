// GET /api/builds/:id/log — the build log as Server-Sent Events: every line an event whose id
// is its line number, replayed from the start (or after Last-Event-ID), then live lines, then
// `event: end` with the final status. The stream closes after `end`.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { BrokkrService } from "../lib/service/types.ts";
import { findBuild } from "./api.ts";
import { requestClient, takeStreamSlot } from "./client-limits.ts";
import { badRequest } from "./http-util.ts";

const heartbeatMs = 15_000;

export async function streamLog(svc: BrokkrService, req: IncomingMessage, res: ServerResponse, id: string, query: URLSearchParams): Promise<void> {
  await findBuild(svc, id);
  const from = startLine(req.headers["last-event-id"], query.get("from"));
  const release = takeStreamSlot(requestClient(req, svc.limits), svc.limits.streamsPerClient);
  res.once("close", release);
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    "x-accel-buffering": "no", // a proxy in front must not hold the stream back
  });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  res.write("retry: 2000\n\n");
  const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), heartbeatMs);
  const stop = svc.followLog(
    id,
    from,
    (l) => res.write(`id: ${l.n}\n${dataLines(l.text)}\n`),
    (b) => {
      clearInterval(heartbeat);
      res.end(`event: end\n${dataLines(JSON.stringify({ status: b.status, error: b.error }))}\n`);
    },
  );
  res.once("close", () => {
    clearInterval(heartbeat);
    stop();
  });
}

function startLine(lastEventId: string | string[] | undefined, from: string | null): number {
  const last = Array.isArray(lastEventId) ? lastEventId[0] : lastEventId;
  if (last !== undefined && last !== "") {
    if (!/^\d{1,9}$/.test(last)) throw badRequest(`Last-Event-ID '${last}' is not a line number`);
    return Number(last) + 1;
  }
  if (from !== null) {
    if (!/^\d{1,9}$/.test(from)) throw badRequest(`from=${from} is not a line number`);
    return Number(from);
  }
  return 0;
}

function dataLines(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((l) => `data: ${l}\n`)
    .join("");
}
