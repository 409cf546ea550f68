// How `brokkr token` reaches a running server. PGlite is one process's database, so while the
// server runs, the CLI must not open it: it asks the server instead, over a unix socket in
// <data dir>/control/ (directory 0700, socket 0600: only the user that runs the server). With no
// server listening there, the CLI opens the database itself (token-command.ts).
import { chmod, mkdir, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import { BrokkrError, httpStatusOf } from "@brokkr/composer";
import type { Access } from "./access.ts";

export function controlSocketPath(dataDir: string): string {
  return join(dataDir, "control", "brokkr.sock");
}

// sun_path holds 108 bytes on Linux, the final NUL included.
const maxSocketPath = 107;

/** Other requests the socket takes for the CLI besides tokens (`brokkr gc`). */
export interface ControlExtras {
  gc?(opts: { dryRun: boolean; verify: boolean }): Promise<unknown>;
}

export async function listenControl(dataDir: string, access: Access, extras: ControlExtras = {}): Promise<{ close(): Promise<void> }> {
  const path = controlSocketPath(dataDir);
  if (Buffer.byteLength(path) > maxSocketPath) {
    throw new BrokkrError("io", `the control socket path ${path} is longer than ${maxSocketPath} bytes`, {
      hint: "set a shorter BROKKR_DATA_DIR",
    });
  }
  const dir = join(dataDir, "control");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  await rm(path, { force: true }); // left by a server that was killed: one server per data dir
  const server = createServer((req, res) => void handle(access, extras, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
  return {
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(path, { force: true });
    },
  };
}

async function handle(access: Access, extras: ControlExtras, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const gc = /^\/gc(\?.*)?$/.exec(req.url ?? "");
    if (req.method === "POST" && gc && extras.gc) {
      const q = new URLSearchParams(gc[1]?.slice(1) ?? "");
      return reply(res, 200, { report: await extras.gc({ dryRun: q.get("dryRun") === "1", verify: q.get("verify") === "1" }) });
    }
    const name = decodeURIComponent(/^\/tokens\/([^/]+)$/.exec(req.url ?? "")?.[1] ?? "");
    if (req.method === "GET" && req.url === "/tokens") return reply(res, 200, { tokens: await access.listTokens() });
    if (req.method === "POST" && name) return reply(res, 201, await access.createToken(name));
    if (req.method === "DELETE" && name) {
      await access.revokeToken(name);
      return reply(res, 200, { revoked: name });
    }
    throw new BrokkrError("service.not-found", `no control request ${req.method} ${req.url}`);
  } catch (err) {
    const e = err instanceof BrokkrError ? err : new BrokkrError("internal", "the server could not do that", { cause: err });
    if (!(err instanceof BrokkrError)) console.error("control socket:", err);
    reply(res, httpStatusOf(e), { error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) } });
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(`${JSON.stringify(body)}\n`);
  res.writeHead(status, { "content-type": "application/json", "content-length": data.length, "cache-control": "no-store" });
  res.end(data);
}
