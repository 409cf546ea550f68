// The service's limits: every queue, rate, stream and build is bounded, each by a setting with a
// documented default (README "Security model"). A client is its token, else its IP address.
import type { IncomingMessage } from "node:http";

export interface ServiceLimits {
  /** Builds queued or running at once, over all clients. */
  queueTotal: number;
  /** Builds queued or running at once for one client. */
  queuePerClient: number;
  /** Write requests (schematics, builds, uploads, cancels) per client per minute. */
  writesPerMinute: number;
  /** Requests answered 404 per client per minute, before further requests get 429. */
  missesPerMinute: number;
  /** Wall time of one build. */
  buildSeconds: number;
  /** Resident memory of a build's whole process tree (the builder and its xz/zstd helpers). */
  buildMemoryBytes: number;
  /** Packages in one image. */
  buildPackages: number;
  /** Installed size of one image's packages. */
  buildInstalledBytes: number;
  /** All artifacts of one build together. */
  buildOutputBytes: number;
  /** Open log streams (SSE) of one client. */
  streamsPerClient: number;
  /** Open connections of one client. */
  connectionsPerClient: number;
  /** Whole request (headers and body) and headers alone. */
  requestTimeoutSeconds: number;
  headersTimeoutSeconds: number;
  /** Take the client's address from X-Forwarded-For (only behind a proxy you run). */
  trustProxy: boolean;
}

export const defaultLimits: ServiceLimits = {
  queueTotal: 100,
  queuePerClient: 4,
  writesPerMinute: 60,
  missesPerMinute: 120,
  buildSeconds: 30 * 60,
  buildMemoryBytes: 4 * 1024 ** 3,
  buildPackages: 2000,
  buildInstalledBytes: 16 * 1024 ** 3,
  buildOutputBytes: 16 * 1024 ** 3,
  streamsPerClient: 16,
  connectionsPerClient: 64,
  requestTimeoutSeconds: 60,
  headersTimeoutSeconds: 10,
  trustProxy: false,
};

/** "ip:<address>" of the peer, or of the first X-Forwarded-For hop when the proxy is trusted. */
export function clientOf(req: IncomingMessage, trustProxy: boolean): string {
  const peer = req.socket.remoteAddress ?? "unknown";
  if (!trustProxy) return `ip:${peer}`;
  const forwarded = String(req.headers["x-forwarded-for"] ?? "").split(",")[0]?.trim() ?? "";
  return `ip:${/^[0-9A-Fa-f:.]{2,45}$/.test(forwarded) ? forwarded : peer}`;
}

/**
 * Writes per client in a sliding minute, in this process's memory. It answers a flood without
 * touching the database; across processes (PostgreSQL) the database count is the one that holds.
 * At most `maxClients` are tracked: the longest idle is forgotten first.
 */
export class WriteWindow {
  private readonly times = new Map<string, number[]>();
  private readonly windowMs: number;
  private readonly maxClients: number;
  constructor(windowMs = 60_000, maxClients = 100_000) {
    this.windowMs = windowMs;
    this.maxClients = maxClients;
  }

  /** How many `client` made in the window, without recording one. */
  count(client: string, now = Date.now()): number {
    const since = now - this.windowMs;
    return (this.times.get(client) ?? []).filter((t) => t > since).length;
  }

  /** Records a write now and answers how many `client` made in the window, this one included. */
  record(client: string, now = Date.now()): number {
    const since = now - this.windowMs;
    const list = (this.times.get(client) ?? []).filter((t) => t > since);
    list.push(now);
    this.times.delete(client); // re-insert: Map order is then least recently written first
    this.times.set(client, list);
    if (this.times.size > this.maxClients) this.times.delete(this.times.keys().next().value as string);
    return list.length;
  }
}
