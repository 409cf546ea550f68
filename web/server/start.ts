// Starts the whole server in this process: database (with migrations), the image service (which
// recovers builds a previous process left unfinished), the UI, and the HTTP listener.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Catalog, loadCatalog } from "@brokkr/composer";
import { Access } from "../lib/auth/access.ts";
import { listenControl } from "../lib/auth/control-socket.ts";
import { setAccess } from "../lib/auth/registry.ts";
import type { Builder } from "../lib/builds/builder.ts";
import { childProcessBuilder } from "../lib/builds/child-builder.ts";
import { withRedactedManifest } from "../lib/builds/redact-manifest.ts";
import { openDatabase } from "../lib/db/client.ts";
import { createImageService, type ImageService } from "../lib/service/image-service.ts";
import { defaultLimits } from "../lib/service/limits.ts";
import { setService } from "../lib/service/registry.ts";
import { createStore } from "../lib/store/create-store.ts";
import type { ServerConfig } from "./config.ts";
import { webDir } from "./config.ts";
import { limitConnections } from "./client-limits.ts";
import { guardOptions } from "./guard.ts";
import { createRouter } from "./router.ts";
import { createOpsLog, type LogWrite } from "./ops-log.ts";
import { formatGcReport } from "../lib/gc/collect.ts";
import { formatError } from "@brokkr/composer";
import { getSettings } from "@brokkr/composer";
import { loadUi, notBuilt } from "./ui.ts";

export interface RunningServer {
  server: Server;
  service: ImageService;
  /** http://host:port, with the port actually bound (PORT=0 picks a free one). */
  url: string;
  ui: "next" | "missing" | "off";
  /** Who can reach it, for the start message. */
  reach: string;
  close(): Promise<void>;
}

export interface StartOverrides {
  builder?: Builder;
  catalog?: Catalog;
  /** Where the operator's JSON lines go (ops-log.ts); none by default (main.ts passes stdout). */
  log?: LogWrite;
}

export async function startServer(config: ServerConfig, overrides: StartOverrides = {}): Promise<RunningServer> {
  // First: a store that can't be reached stops the start before anything else is open.
  const store = await createStore(config);
  const database = await openDatabase({ url: config.databaseUrl, dataDir: join(config.dataDir, "pglite") });
  const catalog = overrides.catalog ?? (await loadCatalog());
  const access = new Access(database.db);
  const tokens = await access.required();
  // Without tokens anyone who reaches the server may write: then only this machine, unless asked.
  const host = config.host ?? (tokens ? "0.0.0.0" : "127.0.0.1");
  const loopback = isLoopbackHost(host);
  const opsLog = overrides.log ? createOpsLog(overrides.log) : undefined;
  const service = await createImageService({
    db: database.db,
    dataDir: config.dataDir,
    store,
    catalog,
    builder: withRedactedManifest(overrides.builder ?? childProcessBuilder),
    concurrency: config.buildConcurrency,
    limits: config.limits ?? defaultLimits,
    sharedDatabase: database.driver === "postgres",
    onBuildChange: (b) => opsLog?.build(b),
  });
  setService(service);
  setAccess(access);
  const control = await listenControl(config.dataDir, access, { gc: (o) => service.collectGarbage(o) });
  const ui = config.ui
    ? await loadUi(webDir, { hostname: host, port: config.port })
    : { handle: notBuilt, kind: "off" as const, close: async () => {} };
  const guard = guardOptions({ allowedHosts: config.allowedHosts, publicUrl: config.publicUrl, loopback });
  const server = createServer(createRouter(service, ui.handle, { access, guard, ...(opsLog ? { log: opsLog } : {}) }));
  // A slow client (one byte a minute) must not hold a connection, and one address must not hold them all.
  server.requestTimeout = service.limits.requestTimeoutSeconds * 1000;
  server.headersTimeout = service.limits.headersTimeoutSeconds * 1000;
  limitConnections(server, service.limits.connectionsPerClient);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const gc = scheduleGc(service, getSettings().gcIntervalMinutes);
  const shownHost = host === "0.0.0.0" || host === "::" ? "localhost" : host;
  const reach = loopback
    ? `only this machine can reach it${tokens ? "" : "; to serve others, create a token (brokkr token create NAME) and restart, or set HOST=0.0.0.0"}`
    : `every machine that can reach ${host}:${port} can read; ${tokens ? "writes need a token" : "ANYONE can write: no token exists (brokkr token create NAME)"}`;
  let closing: Promise<void> | undefined;
  return {
    server,
    service,
    url: `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}`,
    ui: ui.kind,
    reach,
    close: () =>
      (closing ??= (async () => {
        clearInterval(gc);
        opsLog?.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections(); // log streams would hold close() open
        await closed;
        await service.close();
        await ui.close();
        await control.close();
        await database.close();
        setService(undefined);
        setAccess(undefined);
      })()),
  };
}

function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

/** Collects garbage every `minutes` (0: never), one run at a time, and says what it did. */
function scheduleGc(service: ImageService, minutes: number): NodeJS.Timeout | undefined {
  if (minutes <= 0) return undefined;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    service
      .collectGarbage({ dryRun: false, verify: false })
      .then((r) => console.log(`brokkr: ${formatGcReport(r)}`))
      .catch((err: unknown) => console.error(`brokkr: gc failed: ${formatError(err)}`))
      .finally(() => (running = false));
  }, minutes * 60_000);
  timer.unref();
  return timer;
}
