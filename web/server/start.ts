// Starts the whole server in this process: database (with migrations), the image service (which
// recovers builds a previous process left unfinished), the UI, and the HTTP listener.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Catalog, loadCatalog } from "../../composer/src/catalog/index.ts";
import type { Builder } from "../lib/builds/builder.ts";
import { openDatabase } from "../lib/db/client.ts";
import { createImageService, type ImageService } from "../lib/service/image-service.ts";
import { defaultLimits } from "../lib/service/limits.ts";
import { setService } from "../lib/service/registry.ts";
import type { ServerConfig } from "./config.ts";
import { webDir } from "./config.ts";
import { limitConnections } from "./client-limits.ts";
import { createRouter } from "./router.ts";
import { loadUi, notBuilt } from "./ui.ts";

export interface RunningServer {
  server: Server;
  service: ImageService;
  /** http://host:port, with the port actually bound (PORT=0 picks a free one). */
  url: string;
  ui: "next" | "missing" | "off";
  close(): Promise<void>;
}

export interface StartOverrides {
  builder?: Builder;
  catalog?: Catalog;
}

export async function startServer(config: ServerConfig, overrides: StartOverrides = {}): Promise<RunningServer> {
  const database = await openDatabase({ url: config.databaseUrl, dataDir: join(config.dataDir, "pglite") });
  const catalog = overrides.catalog ?? (await loadCatalog());
  const service = await createImageService({
    db: database.db,
    dataDir: config.dataDir,
    catalog,
    builder: overrides.builder,
    concurrency: config.buildConcurrency,
    limits: config.limits ?? defaultLimits,
    sharedDatabase: database.driver === "postgres",
  });
  setService(service);
  const ui = config.ui
    ? await loadUi(webDir, { hostname: config.host, port: config.port })
    : { handle: notBuilt, kind: "off" as const, close: async () => {} };
  const server = createServer(createRouter(service, ui.handle));
  // A slow client (one byte a minute) must not hold a connection, and one address must not hold them all.
  server.requestTimeout = service.limits.requestTimeoutSeconds * 1000;
  server.headersTimeout = service.limits.headersTimeoutSeconds * 1000;
  limitConnections(server, service.limits.connectionsPerClient);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  let closing: Promise<void> | undefined;
  return {
    server,
    service,
    url: `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}`,
    ui: ui.kind,
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections(); // log streams would hold close() open
        await closed;
        await service.close();
        await ui.close();
        await database.close();
        setService(undefined);
      })()),
  };
}
