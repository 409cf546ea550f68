// `brokkr remote build SPEC --server URL [--out DIR]`: the same build on a Brokkr server. Sends
// the spec, starts a build (or joins the one under way), follows the live log, then downloads
// every artifact and checks its size and sha256 before it takes its final name.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { BrokkrError, errorFromJson } from "./errors.ts";
import type { BuildRecord, CreatedSchematic, StartedBuild } from "./http-api.ts";

export interface RemoteBuildOptions {
  specFile: string;
  /** Base URL of the server, e.g. http://localhost:3000 */
  server: string;
  /** Default: out/<spec name> */
  outDir?: string;
  /** Each line of the build log, as it comes. */
  onLog?: (line: string) => void;
  /** Sent as `Authorization: Bearer` with the writes, for a server with tokens (BROKKR_TOKEN). */
  token?: string | undefined;
}

export interface RemoteArtifact {
  file: string;
  sha256: string;
  size: number;
  path: string;
}

export interface RemoteBuildResult {
  schematicId: string;
  buildId: string;
  outDir: string;
  artifacts: RemoteArtifact[];
}

export async function remoteBuild(opts: RemoteBuildOptions): Promise<RemoteBuildResult> {
  const base = opts.server.replace(/\/+$/, "");
  const text = await readFile(opts.specFile, "utf8").catch((cause: unknown) => {
    throw new BrokkrError("spec.parse", `cannot read ${opts.specFile}`, { cause, hint: "check the path" });
  });
  const type = opts.specFile.endsWith(".json") ? "application/json" : "application/yaml";
  const auth: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
  const schematic = (await call(base, "/api/schematics", { method: "POST", headers: { "content-type": type, ...auth }, body: text })) as CreatedSchematic;
  const started = (await call(base, `/api/schematics/${schematic.id}/builds`, { method: "POST", headers: auth })) as StartedBuild;
  const log = opts.onLog ?? (() => {});
  await followLog(base, started.buildId, log);
  const build = (await call(base, `/api/builds/${started.buildId}`)) as BuildRecord;
  if (build.status !== "succeeded") {
    const e = build.error;
    throw new BrokkrError("remote.build-failed", `build ${build.id} ${build.status}: [${e?.code ?? "?"}] ${e?.message ?? ""}`, {
      hint: e?.hint ?? `the log is at ${base}/api/builds/${build.id}/log`,
    });
  }
  const outDir = opts.outDir ?? join("out", checkLocalName(schematic.spec?.name, "the spec name", base));
  // Every name is checked before anything is written: a hostile server gets nothing on disk.
  const names = new Set<string>();
  for (const a of build.artifacts) {
    const name = checkLocalName(a.file, "an artifact name", base);
    if (names.has(name)) throw unsafeName(name, "an artifact name", base, "it is listed twice");
    names.add(name);
  }
  await mkdir(outDir, { recursive: true });
  const artifacts: RemoteArtifact[] = [];
  for (const a of build.artifacts) {
    const path = join(outDir, a.file);
    await download(`${base}/api/builds/${build.id}/${encodeURIComponent(a.file)}`, path, a);
    artifacts.push({ ...a, path });
  }
  return { schematicId: schematic.id, buildId: build.id, outDir, artifacts };
}

/**
 * A name the server gave that becomes one file name under the output directory: a plain name,
 * never a path (no separators, not `.` or `..`, no NUL or control characters, not empty).
 */
export function checkLocalName(name: unknown, what: string, server: string): string {
  if (typeof name !== "string") throw unsafeName(name, what, server, "it is not a string");
  const why =
    name === "" ? "it is empty"
    : name === "." || name === ".." ? "it names a directory"
    : /[/\\]/.test(name) ? "it holds a path separator"
    : /[\x00-\x1f\x7f]/.test(name) ? "it holds NUL or a control character"
    : Buffer.byteLength(name) > 255 ? "it is longer than 255 bytes"
    : undefined;
  // Belt and braces: whatever the rules above miss, the joined path must stay inside the directory.
  const dir = resolve("out");
  if (why === undefined && !resolve(dir, name).startsWith(dir + sep)) throw unsafeName(name, what, server, "it leaves the directory");
  if (why !== undefined) throw unsafeName(name, what, server, why);
  return name;
}

function unsafeName(name: unknown, what: string, server: string, why: string): BrokkrError {
  return new BrokkrError("remote.unsafe-name", `${server} sent ${what} ${JSON.stringify(name)} that is not a plain file name: ${why}; nothing was written`, {
    hint: "the server is broken or hostile; only use Brokkr servers you trust, and report this to whoever runs it",
    details: { name, server },
  });
}

/** Follows the SSE log to its `end` event, reconnecting with Last-Event-ID if the stream breaks. */
async function followLog(base: string, buildId: string, onLog: (line: string) => void): Promise<void> {
  let lastId: string | undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (lastId !== undefined) headers["last-event-id"] = lastId;
    const res = await send(`${base}/api/builds/${buildId}/log`, { headers });
    if (!res.ok || !res.body) await failFrom(res);
    try {
      for await (const ev of parseEvents(res.body!)) {
        if (ev.event === "end") return;
        if (ev.id !== undefined) lastId = ev.id;
        onLog(ev.data);
      }
    } catch {
      // the connection broke: reconnect below
    }
    await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
  }
  throw new BrokkrError("remote.http", `lost the log stream of build ${buildId} too often`);
}

interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
}

/** Server-Sent Events from a response body: blank-line separated blocks of `field: value`. */
export async function* parseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  let buffer = "";
  const decoder = new TextDecoder();
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let m = /\r?\n\r?\n/.exec(buffer); m !== null; m = /\r?\n\r?\n/.exec(buffer)) {
      const block = buffer.slice(0, m.index);
      buffer = buffer.slice(m.index + m[0].length);
      const ev: SseEvent = { id: undefined, event: "message", data: "" };
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line === "" || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "id") ev.id = value;
        else if (field === "event") ev.event = value;
        else if (field === "data") data.push(value);
      }
      if (data.length === 0 && ev.event === "message") continue; // retry: or comments only
      ev.data = data.join("\n");
      yield ev;
    }
  }
}

async function download(url: string, path: string, want: { file: string; sha256: string; size: number }): Promise<void> {
  const res = await send(url);
  if (!res.ok || !res.body) await failFrom(res);
  const part = `${path}.part`;
  const hash = createHash("sha256");
  let size = 0;
  try {
    await pipeline(
      Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>),
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          hash.update(chunk);
          size += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(part),
    );
    const sha256 = hash.digest("hex");
    if (sha256 !== want.sha256 || size !== want.size) {
      throw new BrokkrError("remote.checksum-mismatch", `${want.file}: got ${size} bytes sha256:${sha256}, expected ${want.size} bytes sha256:${want.sha256}`, {
        hint: "the download was damaged on the way; run the command again",
      });
    }
    await rename(part, path);
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  }
}

async function call(base: string, path: string, init: RequestInit = {}): Promise<unknown> {
  const res = await send(`${base}${path}`, init);
  if (!res.ok) await failFrom(res);
  return res.json();
}

async function send(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (cause) {
    throw new BrokkrError("remote.http", `cannot reach ${new URL(url).origin}: ${(cause as Error).cause ?? (cause as Error).message}`, {
      cause,
      hint: "is the Brokkr server running there? (npm start runs one on http://localhost:3000)",
    });
  }
}

/**
 * Turns the server's `{ error }` into a BrokkrError: a spec error stays one (the user's to fix),
 * anything else is the server's and becomes `remote.http` naming its code.
 */
async function failFrom(res: Response): Promise<never> {
  const body = (await res.json().catch(() => undefined)) as { error?: unknown } | undefined;
  if (body?.error === undefined) throw new BrokkrError("remote.http", `HTTP ${res.status} from ${res.url}`);
  const e = errorFromJson(body.error, "remote.http");
  if (e.code === "spec.invalid" || e.code === "spec.parse") throw e;
  const known = e.code === "remote.http" ? "" : `, ${e.code}`;
  throw new BrokkrError("remote.http", `${e.message} (HTTP ${res.status}${known})`, {
    problems: e.problems,
    ...(e.hint ? { hint: e.hint } : {}),
  });
}
