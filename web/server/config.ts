// The server's settings: the server lines of the one settings table (composer/src/settings).
import { fileURLToPath } from "node:url";
import type { Settings } from "../../composer/src/settings/index.ts";

export const webDir = fileURLToPath(new URL("..", import.meta.url));

export type ServerConfig = Pick<Settings, "port" | "host" | "dataDir" | "databaseUrl" | "buildConcurrency" | "ui">;
