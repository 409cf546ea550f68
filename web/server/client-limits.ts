// Per-client bounds of the HTTP layer: open connections and open log streams. Each process
// counts its own (a connection or a stream lives in one process); queue and write-rate limits,
// which must hold across processes, count in the database (image-service.ts).
import type { IncomingMessage, Server } from "node:http";
import type { Socket } from "node:net";
import { BrokkrError } from "@brokkr/composer";
import { clientOf, type ServiceLimits } from "../lib/service/limits.ts";

/** Who a request comes from: the access layer's token identity when it set one, else the IP. */
export function requestClient(req: IncomingMessage, limits: ServiceLimits): string {
  return (req as IncomingMessage & { brokkrClient?: string }).brokkrClient ?? clientOf(req, limits.trustProxy);
}

/** Refuses (closes at once) a connection past `perClient` open ones from the same address. */
export function limitConnections(server: Server, perClient: number): void {
  const open = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const key = socket.remoteAddress ?? "unknown";
    const n = (open.get(key) ?? 0) + 1;
    if (n > perClient) {
      socket.destroy();
      return;
    }
    open.set(key, n);
    socket.once("close", () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
}

const streams = new Map<string, number>();

/** Takes one log-stream slot of `client`; the returned function gives it back. */
export function takeStreamSlot(client: string, perClient: number): () => void {
  const n = streams.get(client) ?? 0;
  if (n >= perClient) {
    throw new BrokkrError("service.rate-limited", `you have ${n} log streams open; the limit is ${perClient}`, {
      hint: "close a build page or a `curl` of a log first",
      details: { retryAfter: 10 },
    });
  }
  streams.set(client, n + 1);
  let given = false;
  return () => {
    if (given) return;
    given = true;
    const left = (streams.get(client) ?? 1) - 1;
    if (left <= 0) streams.delete(client);
    else streams.set(client, left);
  };
}
