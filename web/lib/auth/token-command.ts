// `brokkr token create NAME | list | revoke NAME`, for the CLI (composer/src/cli.ts). Against
// the same BROKKR_DATA_DIR or DATABASE_URL as the server, running or not:
// - DATABASE_URL: PostgreSQL serves many processes; the CLI opens it directly.
// - PGlite: the running server's control socket (control-socket.ts) if one answers, else the
//   CLI opens <data dir>/pglite itself (the server is stopped).
import { request } from "node:http";
import { join } from "node:path";
import { BrokkrError, type ErrorCode } from "@brokkr/composer";
import { openDatabase } from "../db/client.ts";
import { Access } from "./access.ts";
import { controlSocketPath } from "./control-socket.ts";
import type { TokenInfo } from "./tokens.ts";

export interface TokenCommandEnv {
  dataDir: string;
  databaseUrl: string | undefined;
}

type Op = { kind: "create"; name: string } | { kind: "list" } | { kind: "revoke"; name: string };

export async function runTokenCommand(args: string[], env: TokenCommandEnv, out: (s: string) => void, note: (s: string) => void): Promise<number> {
  const op = parseOp(args);
  const result = await perform(op, env);
  switch (op.kind) {
    case "create": {
      const { token, info } = result as { token: string; info: TokenInfo };
      out(`${token}\n`);
      note(`token '${info.name}' created: it is shown this once; writes send it as Authorization: Bearer <token> (brokkr remote: BROKKR_TOKEN)\n`);
      return 0;
    }
    case "list": {
      const { tokens } = result as { tokens: TokenInfo[] };
      if (tokens.length === 0) note("no tokens: anyone who can reach the server may write (it binds to loopback unless HOST is set)\n");
      for (const t of tokens) out(`${t.name.padEnd(24)} created ${t.createdAt}\n`);
      return 0;
    }
    case "revoke":
      out(`revoked ${op.name}\n`);
      return 0;
  }
}

function parseOp(args: string[]): Op {
  const [verb, name, extra] = args;
  const usage = { hint: "brokkr token create NAME | brokkr token list | brokkr token revoke NAME" };
  if (extra !== undefined) throw new BrokkrError("spec.invalid", `unexpected '${extra}'`, usage);
  if (verb === "list" && name === undefined) return { kind: "list" };
  if ((verb === "create" || verb === "revoke") && name) return { kind: verb, name };
  throw new BrokkrError("spec.invalid", verb ? `'token ${args.join(" ")}' is not a token command` : "missing token command", usage);
}

async function perform(op: Op, env: TokenCommandEnv): Promise<unknown> {
  if (!env.databaseUrl) {
    const viaServer = await askServer(op, controlSocketPath(env.dataDir));
    if (viaServer !== noServer) return viaServer;
  }
  const database = await openDatabase({ url: env.databaseUrl, dataDir: join(env.dataDir, "pglite") });
  try {
    const access = new Access(database.db);
    if (op.kind === "create") return await access.createToken(op.name);
    if (op.kind === "list") return { tokens: await access.listTokens() };
    await access.revokeToken(op.name);
    return { revoked: op.name };
  } finally {
    await database.close();
  }
}

const noServer = Symbol("no server");

function askServer(op: Op, socketPath: string): Promise<unknown> {
  const path = op.kind === "list" ? "/tokens" : `/tokens/${encodeURIComponent(op.name)}`;
  const method = { create: "POST", list: "GET", revoke: "DELETE" }[op.kind];
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { error?: { code: ErrorCode; message: string; hint?: string } };
        if (body.error) reject(new BrokkrError(body.error.code, body.error.message, body.error.hint ? { hint: body.error.hint } : {}));
        else resolve(body);
      });
    });
    req.on("timeout", () => req.destroy(new BrokkrError("service.unavailable", `the server at ${socketPath} did not answer`)));
    req.on("error", (err: NodeJS.ErrnoException) => {
      // No socket, or one a killed server left: nobody holds the database.
      if (err.code === "ENOENT" || err.code === "ECONNREFUSED") resolve(noServer);
      else reject(err);
    });
    req.end();
  });
}
