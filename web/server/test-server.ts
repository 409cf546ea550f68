// For tests: the real server on 127.0.0.1 with an ephemeral port, a temp data dir, the UI off,
// and (usually) a fake builder.
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Builder } from "../lib/builds/builder.ts";
import { defaultLimits, type ServiceLimits } from "../lib/service/limits.ts";
import type { StoreSettings } from "../lib/store/create-store.ts";
import { type RunningServer, startServer } from "./start.ts";

export interface TestServerOptions {
  builder?: Builder;
  dataDir?: string;
  databaseUrl?: string;
  concurrency?: number;
  /** Keep a data dir this function made after close() (to start again on it). */
  keep?: boolean;
  /** Default 127.0.0.1; null: the server's own choice (loopback until a token exists). */
  host?: string | null;
  publicUrl?: string;
  allowedHosts?: string[];
  /** Tests share one address (127.0.0.1): per-client limits are off unless a test sets them. */
  limits?: Partial<ServiceLimits>;
  /** The artifact store's settings (BROKKR_S3_*); default the local store in the data dir. */
  store?: Omit<StoreSettings, "dataDir">;
}

const testLimits: ServiceLimits = {
  ...defaultLimits,
  writesPerMinute: 1e6,
  missesPerMinute: 1e6,
  queuePerClient: 1e6,
  streamsPerClient: 1e4,
  connectionsPerClient: 1e4,
};

export async function startTestServer(opts: TestServerOptions = {}): Promise<RunningServer & { dataDir: string }> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "brokkr-server-"));
  const running = await startServer(
    {
      port: 0,
      host: opts.host === null ? undefined : (opts.host ?? "127.0.0.1"),
      dataDir,
      databaseUrl: opts.databaseUrl,
      buildConcurrency: opts.concurrency ?? 1,
      ui: false,
      limits: { ...testLimits, ...opts.limits },
      publicUrl: opts.publicUrl,
      allowedHosts: opts.allowedHosts,
      ...opts.store,
    },
    { builder: opts.builder },
  );
  const ownDir = opts.dataDir === undefined && !opts.keep;
  return {
    ...running,
    dataDir,
    close: async () => {
      await running.close();
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Reads a whole SSE response: the line events and the final `end` event's data. */
export async function readSse(res: Response): Promise<{ ids: number[]; lines: string[]; end: unknown }> {
  const text = await res.text();
  const ids: number[] = [];
  const lines: string[] = [];
  let end: unknown;
  for (const block of text.split("\n\n")) {
    const fields = block.split("\n");
    const id = fields.find((f) => f.startsWith("id: "));
    const data = fields.filter((f) => f.startsWith("data: ")).map((f) => f.slice(6));
    if (fields.includes("event: end")) end = JSON.parse(data.join("\n"));
    else if (id) {
      ids.push(Number(id.slice(4)));
      lines.push(data.join("\n"));
    }
  }
  return { ids, lines, end };
}
