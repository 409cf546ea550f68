// The server's settings: the server lines of the one settings table (composer/src/settings).
import { fileURLToPath } from "node:url";
import type { Settings } from "@brokkr/composer";
import type { ServiceLimits } from "../lib/service/limits.ts";
import type { StoreSettings } from "../lib/store/create-store.ts";

export const webDir = fileURLToPath(new URL("..", import.meta.url));

// host undefined: loopback while no token exists, all interfaces once one does (start.ts).
export type ServerConfig = Pick<Settings, "port" | "host" | "dataDir" | "databaseUrl" | "buildConcurrency" | "ui"> &
  Partial<Pick<Settings, "publicUrl" | "allowedHosts">> &
  StoreSettings & {
  /** Default: the settings' limits (limitsOf), else defaultLimits. */
  limits?: ServiceLimits;
};

const MiB = 1024 * 1024;

/** The service's limits from the settings table's limit lines. */
export function limitsOf(s: Settings): ServiceLimits {
  return {
    queueTotal: s.queueMax,
    queuePerClient: s.queuePerClient,
    writesPerMinute: s.writesPerMinute,
    missesPerMinute: s.missesPerMinute,
    buildSeconds: s.buildTimeoutSeconds,
    buildMemoryBytes: s.buildMemoryMb * MiB,
    buildPackages: s.buildMaxPackages,
    buildInstalledBytes: s.buildMaxInstalledMb * MiB,
    buildOutputBytes: s.buildMaxOutputMb * MiB,
    streamsPerClient: s.streamsPerClient,
    connectionsPerClient: s.connectionsPerClient,
    requestTimeoutSeconds: s.requestTimeoutSeconds,
    headersTimeoutSeconds: s.headersTimeoutSeconds,
    trustProxy: s.trustProxy,
  };
}
