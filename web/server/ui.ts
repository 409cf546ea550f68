// The web UI: Next.js's request handler when the UI has been built (web/.next), else a 503 page
// that says how to build it. Next is loaded only then, so the API runs without it.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { UiHandler } from "./router.ts";

interface NextServer {
  prepare(): Promise<void>;
  getRequestHandler(): UiHandler;
  close?(): Promise<void>;
}
type NextFactory = (opts: { dir: string; dev: boolean; hostname?: string; port?: number }) => NextServer;

export interface Ui {
  handle: UiHandler;
  /** "next" when the built UI is served. */
  kind: "next" | "missing";
  close(): Promise<void>;
}

export async function loadUi(webDir: string, opts: { hostname: string; port: number }): Promise<Ui> {
  if (!existsSync(join(webDir, ".next", "BUILD_ID"))) return { handle: notBuilt, kind: "missing", close: async () => {} };
  const specifier = "next"; // not a static import: the API must start where next is not installed
  const mod = (await import(specifier)) as { default: NextFactory };
  const app = mod.default({ dir: webDir, dev: false, hostname: opts.hostname, port: opts.port });
  await app.prepare();
  return { handle: app.getRequestHandler(), kind: "next", close: async () => app.close?.() };
}

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Brokkr — UI not built</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>The web UI has not been built</h1>
<p>The image service and its API are running, but <code>web/.next</code> does not exist.
Build the UI with <code>npx next build web</code> (or run <code>npm start</code>, which does it), then restart the server.</p>
<p>API: <code>POST /api/schematics</code>, <code>POST /api/schematics/&lt;id&gt;/builds</code>, <code>GET /pxe/&lt;id&gt;/boot.ipxe</code> — see web/README.md.</p>
</body></html>
`;

export const notBuilt: UiHandler = (req, res) => {
  const data = Buffer.from(page);
  res.writeHead(503, { "content-type": "text/html; charset=utf-8", "content-length": data.length, "cache-control": "no-store" });
  res.end(req.method === "HEAD" ? undefined : data);
};
