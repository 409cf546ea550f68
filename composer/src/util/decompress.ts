// Decompression of .deb members. The host's `xz`/`zstd` are about twice as fast as anything
// in-process, so they are used when present; the in-process path (WASM xz, Node's zstd and
// gzip) keeps Brokkr working without them. Corrupt input always throws, it never yields
// short or wrong data.

import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import zlib from "node:zlib";
import xzDecompress from "xz-decompress";
import { BrokkrError } from "../errors.ts";

export type CompressionKind = "xz" | "gz" | "zst" | "none";

const gunzip = promisify(zlib.gunzip);
const zstdDecompress = promisify(zlib.zstdDecompress);

/** The compression of a file judged by its name: `data.tar.xz` → "xz", `data.tar` → "none". */
export function kindFromName(name: string): CompressionKind {
  if (name.endsWith(".xz")) return "xz";
  if (name.endsWith(".gz")) return "gz";
  if (name.endsWith(".zst")) return "zst";
  const ext = /\.(bz2|lzma|lz4|lz|bz|Z)$/.exec(name);
  if (ext) {
    throw new BrokkrError("deb.invalid", `${name}: unsupported compression .${ext[1]}`, {
      hint: "Brokkr reads .xz, .gz, .zst and uncompressed members",
    });
  }
  return "none";
}

let inProcessOnly = false;

/** Forces the in-process decoders even when xz/zstd are installed: tests compare both paths. */
export function forceInProcessDecoders(on: boolean): void {
  inProcessOnly = on;
}

function inProcessForced(): boolean {
  return inProcessOnly;
}

const toolCache = new Map<string, string | null>();

/** Absolute path of an executable on PATH, looked up once per process. */
function findTool(name: string): string | null {
  const cached = toolCache.get(name);
  if (cached !== undefined) return cached;
  let found: string | null = null;
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      found = candidate;
      break;
    } catch {
      // not in this directory
    }
  }
  toolCache.set(name, found);
  return found;
}

function corrupt(kind: CompressionKind, detail: string, cause?: unknown): BrokkrError {
  return new BrokkrError("deb.invalid", `corrupt ${kind} data: ${detail}`, {
    hint: "the download is damaged or truncated; delete it from the cache and fetch again",
    cause,
  });
}

/** Decompresses a whole buffer. Throws BrokkrError "deb.invalid" on corrupt or truncated input. */
export async function decompress(data: Buffer, kind: CompressionKind): Promise<Buffer> {
  if (kind === "none") return data;
  if (kind === "gz") {
    // node:zlib beats `gzip -dc` here, so gzip never goes to the host.
    try {
      return await gunzip(data);
    } catch (err) {
      throw corrupt(kind, (err as Error).message, err);
    }
  }
  const tool = inProcessForced() ? null : findTool(kind === "xz" ? "xz" : "zstd");
  if (tool) return runTool(tool, kind, data);
  try {
    return kind === "xz" ? await unxzInProcess(data) : await zstdDecompress(data);
  } catch (err) {
    throw corrupt(kind, (err as Error).message, err);
  }
}

/** Feeds `data` to `<tool> -dc` and collects stdout. */
function runTool(tool: string, kind: CompressionKind, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // xz ≥ 5.4 decodes the blocks of multi-block files (dpkg writes them) in parallel.
    const args = kind === "xz" ? ["-dc", "-q", "-T0"] : ["-dc", "-q"];
    const child = spawn(tool, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString();
    });
    // The tool may quit early on corrupt input; the exit code reports that, not EPIPE.
    child.stdin.on("error", () => {});
    child.on("error", (err) =>
      reject(new BrokkrError("io", `cannot run ${tool}: ${err.message}`, { cause: err })),
    );
    child.on("close", (code, signal) => {
      if (code === 0) resolve(out.length === 1 ? out[0]! : Buffer.concat(out));
      else reject(corrupt(kind, stderr.trim() || `${tool} exited with ${code ?? signal}`));
    });
    child.stdin.end(data);
  });
}

async function unxzInProcess(data: Buffer): Promise<Buffer> {
  const input = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      controller.close();
    },
  });
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of new xzDecompress.XzReadableStream(input)) {
    chunks.push(chunk);
    total += chunk.byteLength;
  }
  return Buffer.concat(chunks, total);
}
