// What every request passes before any handler: a Host allow-list (against DNS rebinding), a
// cross-site check on state-changing requests (against forms and scripts of other sites, which
// would otherwise ride on the UI's cookie or on a loopback-only server), and the response
// headers that keep browsers from sniffing, framing or leaking referrers.
import type { IncomingMessage, ServerResponse } from "node:http";
import { isIP } from "node:net";
import { BrokkrError } from "@brokkr/composer";

export interface GuardOptions {
  /** Host names answered ("*.lan" matches any name under lan); undefined = any. */
  allowedHosts: string[] | undefined;
  /** The list holds for writes only (the loopback default: reads are public anyway). */
  hostsForWritesOnly: boolean;
  /** Origins other than the request's own that may send state-changing requests. */
  allowedOrigins: string[];
}

/** Loopback-bound servers answer only loopback names: a rebinding name never matches. */
export const loopbackHosts = ["localhost", "*.localhost"];

/** From the settings: BROKKR_ALLOWED_HOSTS and BROKKR_PUBLIC_URL, else loopback names when bound there. */
export function guardOptions(opts: { allowedHosts?: string[] | undefined; publicUrl?: string | undefined; loopback: boolean }): GuardOptions {
  const publicHost = opts.publicUrl ? new URL(opts.publicUrl).hostname : undefined;
  let hosts = opts.allowedHosts ? [...opts.allowedHosts] : undefined;
  if (hosts && publicHost) hosts.push(publicHost);
  const loopbackDefault = !hosts && opts.loopback;
  if (loopbackDefault) hosts = publicHost ? [...loopbackHosts, publicHost] : loopbackHosts;
  const origins = opts.publicUrl ? [opts.publicUrl] : [];
  for (const h of opts.allowedHosts ?? []) if (!h.startsWith("*.")) origins.push(`https://${h}`, `http://${h}`);
  return { allowedHosts: hosts, hostsForWritesOnly: loopbackDefault, allowedOrigins: origins };
}

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/** Throws 403 for a request this server must not act on. */
export function checkRequest(req: IncomingMessage, opts: GuardOptions): void {
  const host = req.headers.host ?? "";
  const write = !safeMethods.has(req.method ?? "GET");
  if (opts.allowedHosts && (write || !opts.hostsForWritesOnly) && !hostAllowed(hostnameOf(host), opts.allowedHosts)) {
    throw new BrokkrError("service.forbidden", `this server does not answer to the host name '${host.slice(0, 100)}'`, {
      hint: "the operator lists the names it serves in BROKKR_ALLOWED_HOSTS (or BROKKR_PUBLIC_URL)",
    });
  }
  if (!write) return;
  const origin = req.headers.origin;
  const site = req.headers["sec-fetch-site"];
  // No Origin and no Sec-Fetch-Site: not a browser (curl, the CLI, CI): nothing to forge.
  if (origin === undefined && site === undefined) return;
  if (origin !== undefined && opts.allowedOrigins.includes(origin.toLowerCase())) return;
  const sameOrigin = origin !== undefined ? originHost(origin) === host.toLowerCase() : site === "same-origin" || site === "none";
  if (sameOrigin && (site === undefined || site === "same-origin" || site === "none")) return;
  throw new BrokkrError("service.forbidden", `a ${req.method} from another site (${origin ?? site}) is refused`, {
    hint: "changes come from this server's own pages or from clients without an Origin (curl, brokkr remote); behind a proxy, set BROKKR_PUBLIC_URL",
  });
}

function hostnameOf(host: string): string {
  const h = host.toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]") === -1 ? undefined : h.indexOf("]"));
  const colon = h.lastIndexOf(":");
  return colon === -1 ? h : h.slice(0, colon);
}

function hostAllowed(name: string, allowed: string[]): boolean {
  if (isIP(name) !== 0) return true; // a rebinding attack always brings a name, never an address
  const bare = name.endsWith(".") ? name.slice(0, -1) : name;
  return allowed.some((a) => (a.startsWith("*.") ? bare.endsWith(a.slice(1)) : bare === a));
}

function originHost(origin: string): string | undefined {
  try {
    const u = new URL(origin);
    return u.protocol === "http:" || u.protocol === "https:" ? u.host : undefined;
  } catch {
    return undefined;
  }
}

// Next's pages need inline scripts (its streamed flight data) and inline styles, and ajv, which
// checks the spec in the browser, compiles schemas with `new Function` ('unsafe-eval'; ajv's
// standalone precompiled validators would remove that). Nothing loads from another origin.
// Everything else we serve (JSON, artifacts, scripts for iPXE) is no page.
const uiPolicy = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");
const dataPolicy = "default-src 'none'; frame-ancestors 'none'; sandbox";

export function setSecurityHeaders(res: ServerResponse, page: boolean): void {
  res.setHeader("content-security-policy", page ? uiPolicy : dataPolicy);
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("x-frame-options", "DENY");
  res.setHeader("referrer-policy", "no-referrer");
}
