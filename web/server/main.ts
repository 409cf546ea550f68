// The Brokkr server: `node web/server/main.ts`. Its settings (PORT, BROKKR_DATA_DIR, ...) are
// the server lines of composer/src/settings/table.ts, documented in web/README.md.
import { formatError } from "@brokkr/composer";
import { getSettings } from "@brokkr/composer";
import { limitsOf } from "./config.ts";
import { startServer } from "./start.ts";

try {
  const config = getSettings();
  const running = await startServer({ ...config, limits: limitsOf(config) }, { log: (line) => process.stdout.write(`${line}\n`) });
  const ui = { next: "UI served", missing: "UI not built: npx next build web", off: "UI off" }[running.ui];
  process.stdout.write(`brokkr: listening on ${running.url} (${ui}; data in ${config.dataDir})\n`);
  process.stdout.write(`brokkr: ${running.reach}\n`);
  const stop = (signal: NodeJS.Signals) => {
    process.stdout.write(`brokkr: ${signal}, shutting down\n`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`${formatError(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (err) {
  process.stderr.write(`${formatError(err)}\n`);
  process.exitCode = 1;
}
