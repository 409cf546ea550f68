// `brokkr gc [--dry-run] [--verify]`, for the CLI (composer/src/cli.ts). A running server with
// PGlite is asked over its control socket (it alone may open that database, and it knows its live
// builds); otherwise the CLI opens the database itself, and builds the database says are queued or
// running count as live.
import { request } from "node:http";
import { join } from "node:path";
import { inArray } from "drizzle-orm";
import { BrokkrError, type ErrorCode } from "@brokkr/composer";
import { errataVersion } from "@brokkr/composer";
import type { Settings } from "@brokkr/composer";
import { controlSocketPath } from "../auth/control-socket.ts";
import { openDatabase } from "../db/client.ts";
import { builds } from "../db/schema.ts";
import { createStore } from "../store/create-store.ts";
import { collectGarbage, formatGcReport, type GcReport } from "./collect.ts";

export async function runGcCommand(args: string[], s: Settings, out: (line: string) => void): Promise<number> {
  const unknown = args.filter((a) => a !== "--dry-run" && a !== "--verify");
  if (unknown.length > 0) throw new BrokkrError("cli.usage", `unknown option '${unknown[0]}'`, { hint: "brokkr gc [--dry-run] [--verify]" });
  const opts = { dryRun: args.includes("--dry-run"), verify: args.includes("--verify") };
  const viaServer = s.databaseUrl ? undefined : await askServer(controlSocketPath(s.dataDir), opts);
  const report = viaServer ?? (await collectHere(s, opts));
  out(`${formatGcReport(report)}\n`);
  return report.corrupt.length > 0 ? 1 : 0;
}

async function collectHere(s: Settings, opts: { dryRun: boolean; verify: boolean }): Promise<GcReport> {
  const database = await openDatabase({ url: s.databaseUrl, dataDir: join(s.dataDir, "pglite") });
  try {
    const live = await database.db.select({ id: builds.id }).from(builds).where(inArray(builds.status, ["queued", "running"]));
    const hour = 3_600_000;
    return await collectGarbage({
      db: database.db,
      store: await createStore(s),
      stagingRoot: join(s.dataDir, "staging"),
      liveBuildIds: new Set(live.map((r) => r.id)),
      packageCache: { dir: s.cacheDir, capBytes: s.cacheMaxMb * 2 ** 20 },
      now: new Date(),
      currentErrata: errataVersion,
      graceMs: s.gcGraceHours * hour,
      storeCapBytes: s.storeMaxMb * 2 ** 20,
      rowRetentionMs: s.rowRetentionDays * 24 * hour,
      ...opts,
    });
  } finally {
    await database.close();
  }
}

/** The running server's answer, or undefined when no server listens on the socket. */
function askServer(socketPath: string, opts: { dryRun: boolean; verify: boolean }): Promise<GcReport | undefined> {
  const path = `/gc?dryRun=${opts.dryRun ? 1 : 0}&verify=${opts.verify ? 1 : 0}`;
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: "POST" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { report?: GcReport; error?: { code: ErrorCode; message: string; hint?: string } };
        if (body.error) reject(new BrokkrError(body.error.code, body.error.message, body.error.hint ? { hint: body.error.hint } : {}));
        else resolve(body.report);
      });
    });
    req.on("error", (err: NodeJS.ErrnoException) => (err.code === "ENOENT" || err.code === "ECONNREFUSED" ? resolve(undefined) : reject(err)));
    req.end();
  });
}
