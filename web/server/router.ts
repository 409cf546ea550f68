// Which request goes where: the API, downloads and PXE here; every other path to the UI (Next).
// Paths under our prefixes never reach Next: an unknown one is a JSON 404, a known one with
// the wrong method a 405.
import type { IncomingMessage, ServerResponse } from "node:http";
import { BrokkrError, httpStatusOf } from "@brokkr/composer";
import { type Access, type Identity, tokenOf } from "../lib/auth/access.ts";
import type { BrokkrService } from "../lib/service/types.ts";
import { deleteSchematic } from "./access-api.ts";
import { getAsset, getAssetFile, postAsset } from "./assets-api.ts";
import { cancelBuild, findBuild, findSchematic, getBuild, getSchematic, listBuilds, postBuild, postSchematic } from "./api.ts";
import { requestClient } from "./client-limits.ts";
import type { OpsLog } from "./ops-log.ts";
import { WriteWindow } from "../lib/service/limits.ts";
import { checkRequest, type GuardOptions, setSecurityHeaders } from "./guard.ts";
import { badRequest, decodeSegment, notFound, sendError, sendJson } from "./http-util.ts";
import { streamLog } from "./log-stream.ts";
import { sendPxeScript } from "./pxe.ts";
import { sendArtifact } from "./send-file.ts";

export type UiHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Who sends a write: `identity` is undefined when no token is configured (anyone may write). */
export interface Caller {
  access: Access | undefined;
  identity: Identity | undefined;
}

type Handler = (
  svc: BrokkrService,
  req: IncomingMessage,
  res: ServerResponse,
  params: string[],
  query: URLSearchParams,
  caller: Caller,
) => Promise<void>;

interface Route {
  pattern: RegExp;
  methods: Record<string, Handler>;
}

const fileName = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

async function buildFile(svc: BrokkrService, req: IncomingMessage, res: ServerResponse, [id, file]: string[]): Promise<void> {
  const build = await findBuild(svc, id!);
  const artifact = build.status === "succeeded" ? build.artifacts.find((a) => a.file === file) : undefined;
  if (!artifact) throw notFound(`build ${id} has no artifact '${file}'`, build.status === "succeeded" ? undefined : `the build is ${build.status}`);
  await sendArtifact(req, res, artifact, svc.store, { immutable: true });
}

async function imageFile(svc: BrokkrService, req: IncomingMessage, res: ServerResponse, [id, file]: string[]): Promise<void> {
  const schematic = await findSchematic(svc, id!);
  const build = await svc.latestGoodBuild(schematic.id);
  if (!build) throw notFound(`schematic ${id} has no successful build yet`, `POST /api/schematics/${id}/builds`);
  const artifact = build.artifacts.find((a) => a.file === file);
  if (!artifact) throw notFound(`the latest build of schematic ${id} has no artifact '${file}'`);
  await sendArtifact(req, res, artifact, svc.store, { immutable: false });
}

const withFile =
  (h: Handler): Handler =>
  (svc, req, res, params, query, caller) => {
    if (!fileName.test(params[1]!)) throw badRequest(`'${params[1]}' is not an artifact name`);
    return h(svc, req, res, params, query, caller);
  };

const routes: Route[] = [
  {
    pattern: /^\/api\/gc$/,
    methods: {
      POST: async (s, req, res, _p, q) =>
        sendJson(req, res, 200, { report: await s.collectGarbage({ dryRun: flagOf(q, "dryRun"), verify: flagOf(q, "verify") }) }),
    },
  },
  { pattern: /^\/api\/health$/, methods: { GET: async (_s, req, res) => sendJson(req, res, 200, { ok: true }) } },
  { pattern: /^\/api\/signing-key\.asc$/, methods: { GET: (s, req, res) => sendSigningKey(s, req, res) } },
  {
    pattern: /^\/api\/schematics$/,
    methods: { POST: (s, req, res, _p, _q, caller) => postSchematic(s, req, res, (id) => caller.access?.recordCreator(id, caller.identity)) },
  },
  {
    pattern: /^\/api\/schematics\/([^/]+)$/,
    methods: {
      GET: (s, req, res, [id]) => getSchematic(s, req, res, id!),
      DELETE: (s, req, res, [id], _q, caller) => deleteSchematic(s, req, res, id!, caller),
    },
  },
  {
    pattern: /^\/api\/schematics\/([^/]+)\/builds$/,
    methods: {
      GET: (s, req, res, [id]) => listBuilds(s, req, res, id!),
      POST: (s, req, res, [id]) => postBuild(s, req, res, id!),
    },
  },
  { pattern: /^\/api\/assets$/, methods: { POST: (s, req, res) => postAsset(s, req, res) } },
  { pattern: /^\/api\/assets\/([^/]+)$/, methods: { GET: (s, req, res, [id]) => getAsset(s, req, res, id!) } },
  {
    pattern: /^\/api\/assets\/([^/]+)\/(splash\.bmp|thumbnail\.png)$/,
    methods: { GET: (s, req, res, [id, file]) => getAssetFile(s, req, res, id!, file!) },
  },
  { pattern: /^\/api\/builds\/([^/]+)$/, methods: { GET: (s, req, res, [id]) => getBuild(s, req, res, id!) } },
  { pattern: /^\/api\/builds\/([^/]+)\/cancel$/, methods: { POST: (s, req, res, [id]) => cancelBuild(s, req, res, id!) } },
  { pattern: /^\/api\/builds\/([^/]+)\/log$/, methods: { GET: (s, req, res, [id], q) => streamLog(s, req, res, id!, q) } },
  { pattern: /^\/api\/builds\/([^/]+)\/([^/]+)$/, methods: { GET: withFile(buildFile) } },
  { pattern: /^\/images\/([^/]+)\/([^/]+)$/, methods: { GET: withFile(imageFile) } },
  { pattern: /^\/pxe\/([^/]+)\/boot\.ipxe$/, methods: { GET: (s, req, res, [id], _q, ctx) => sendPxeScript(s, req, res, id!, ctx.access) } },
];

const ownPrefixes = /^\/(api\/(schematics|builds|health|assets|gc|signing-key\.asc)|images|pxe)(\/|$)/;

/** The public key that signs every build's SHA256SUMS (`brokkr verify URL` fetches it). */
async function sendSigningKey(svc: BrokkrService, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const data = Buffer.from(await svc.signingPublicKey());
  res.writeHead(200, { "content-type": "application/pgp-keys", "content-length": data.length, "cache-control": "no-cache" });
  res.end(req.method === "HEAD" ? undefined : data);
}

/** `?name`, `?name=1` or `?name=true` */
function flagOf(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && (v === "" || v === "1" || v === "true");
}

export interface RouterOptions {
  /** The operator's log (ops-log.ts); none in tests. */
  log?: OpsLog;
  /** Absent: no access control at all (only tests that predate it). */
  access?: Access;
  guard?: GuardOptions;
}

export function createRouter(svc: BrokkrService, ui: UiHandler, opts: RouterOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const misses = new WriteWindow();
  return (req, res) => {
    // A client that keeps asking for ids that don't exist (guessing, or a flood of random ones)
    // makes a database lookup each time: past its miss budget it gets 429 without one.
    const client = requestClient(req, svc.limits);
    if (misses.count(client) > svc.limits.missesPerMinute) {
      sendError(req, res, missBudgetError(svc.limits.missesPerMinute));
      return;
    }
    void dispatch(svc, ui, opts, req, res).catch((err: unknown) => {
      if (err instanceof BrokkrError && err.code === "service.not-found") misses.record(client);
      opts.log?.failedRequest(req, httpStatusOf(err), err instanceof BrokkrError ? err.code : "internal", client);
      sendError(req, res, err);
    });
  };
}

function missBudgetError(limit: number): BrokkrError {
  return new BrokkrError("service.rate-limited", `more than ${limit} requests for things that do not exist in the last minute`, {
    hint: "check the ids you ask for; try again in a minute",
    details: { retryAfter: 60 },
  });
}

// A plain origin-form target ("/a/b?x=1": no dot segment, escape or odd character) means the
// same as WHATWG URL's parse of it, so it is split by hand: `new URL` and its searchParams cost
// 2 µs a request, a few percent of a PXE or schematic lookup (profile under wrk, 2026-11-25).
// Anything else goes through `new URL` as before.
const plainPath = /^(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)+\/?$|^\/$/;
const plainQuery = /^[A-Za-z0-9._~=&-]*$/;
/** Shared by every request without a query (handlers only read it). */
const noQuery = new URLSearchParams();

function parseTarget(target: string): { pathname: string; query: URLSearchParams } {
  const q = target.indexOf("?");
  const pathname = q === -1 ? target : target.slice(0, q);
  const search = q === -1 ? "" : target.slice(q + 1);
  if (plainPath.test(pathname) && plainQuery.test(search)) return { pathname, query: search ? new URLSearchParams(search) : noQuery };
  const url = new URL(target, "http://localhost");
  return { pathname: url.pathname, query: url.searchParams };
}

async function dispatch(svc: BrokkrService, ui: UiHandler, opts: RouterOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = parseTarget(req.url ?? "/");
  const own = ownPrefixes.test(url.pathname);
  setSecurityHeaders(res, !own);
  if (opts.guard) checkRequest(req, opts.guard);
  if (!own) {
    // Next's server actions check the token themselves (lib/actions), from the session cookie.
    await ui(req, res);
    return;
  }
  for (const route of routes) {
    const m = route.pattern.exec(url.pathname);
    if (!m) continue;
    const params = m.slice(1).map(decodeSegment);
    const method = req.method === "HEAD" ? "GET" : (req.method ?? "GET");
    const handler = route.methods[method];
    if (!handler) {
      const allow = Object.keys(route.methods).flatMap((k) => (k === "GET" ? ["GET", "HEAD"] : [k]));
      sendError(req, res, new BrokkrError("service.method-not-allowed", `${req.method} is not allowed on ${url.pathname}`, { hint: `use ${allow.join(" or ")}` }), {
        allow: allow.join(", "),
      });
      return;
    }
    // Every write needs a token once tokens exist (reads never do), and counts against its
    // client's rate, in the database (so across processes). The client is the token if any.
    let identity: Identity | undefined;
    if (method !== "GET") {
      identity = opts.access ? await opts.access.authorize(tokenOf(req.headers)) : undefined;
      if (identity) (req as IncomingMessage & { brokkrClient?: string }).brokkrClient = `token:${identity.tokenId}`;
      await svc.checkWriteRate(requestClient(req, svc.limits));
    }
    await handler(svc, req, res, params, url.query, { access: opts.access, identity });
    return;
  }
  throw notFound(`no such endpoint: ${url.pathname}`, "see web/README.md for the API");
}
