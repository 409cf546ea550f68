// The server's settings, read once from the environment.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BrokkrError } from "../../composer/src/errors.ts";

export const repoDir = fileURLToPath(new URL("../..", import.meta.url));
export const webDir = fileURLToPath(new URL("..", import.meta.url));

export interface ServerConfig {
  port: number;
  host: string;
  /** PGlite database, artifact store and staging live here. */
  dataDir: string;
  /** A real PostgreSQL instead of the embedded one. */
  databaseUrl: string | undefined;
  concurrency: number;
  /** Serve the Next.js UI when it is built; tests turn this off (other paths then get the 503 page). */
  ui: boolean;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    port: intFrom(env, "PORT", 3000, 0, 65535),
    host: env["HOST"] || "0.0.0.0",
    dataDir: env["BROKKR_DATA_DIR"] || join(repoDir, ".brokkr", "data"),
    databaseUrl: env["DATABASE_URL"] || undefined,
    concurrency: intFrom(env, "BROKKR_BUILD_CONCURRENCY", 1, 1, 64),
    ui: env["BROKKR_UI"] !== "off",
  };
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new BrokkrError("service.bad-request", `${name}=${raw} is not a whole number from ${min} to ${max}`);
  }
  return n;
}
