// HTTP downloads with retries and integrity checks. The body is hashed while it arrives, so a
// verified download costs one pass over the bytes.

import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { BrokkrError } from "../../errors.ts";

export interface FetchOptions {
  expectedSize?: number;
  expectedSha256?: string;
  /** Extra attempts after the first, for network errors and 5xx answers. */
  retries?: number;
  /** Abort an attempt after this long without receiving a byte. */
  timeoutMs?: number;
  /** First backoff delay; doubles per attempt. */
  retryDelayMs?: number;
  /** Called as bytes arrive (for progress bars). */
  onBytes?: (n: number) => void;
}

/** Thrown internally for answers that retrying cannot fix (4xx). */
class Permanent extends Error {}

/** GETs `url` into a Buffer, retrying transient failures, and checks size and sha256 if given. */
export async function fetchBytes(url: string, opts: FetchOptions = {}): Promise<Buffer> {
  const retries = opts.retries ?? 3;
  const delay = opts.retryDelayMs ?? 250;
  let lastErr: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(delay * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5));
    try {
      return await fetchOnce(url, opts);
    } catch (err) {
      if (err instanceof BrokkrError) throw err; // integrity failures are not transient
      if (err instanceof Permanent) throw httpError(url, err.message, err);
      lastErr = err;
    }
  }
  const why = lastErr instanceof Error ? lastErr.message : String(lastErr);
  throw httpError(url, `${why} (after ${retries + 1} attempts)`, lastErr);
}

async function fetchOnce(url: string, opts: FetchOptions): Promise<Buffer> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const ctl = new AbortController();
  let timer = setTimeout(() => ctl.abort(new Error(`no data for ${timeoutMs} ms`)), timeoutMs);
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ctl.abort(new Error(`no data for ${timeoutMs} ms`)), timeoutMs);
  };
  try {
    // identity: a mirror or proxy must not re-encode the bytes whose hash we check.
    const res = await fetch(url, { signal: ctl.signal, headers: { "accept-encoding": "identity" } });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      const msg = `HTTP ${res.status} ${res.statusText}`.trim();
      if (res.status >= 500 || res.status === 429 || res.status === 408) throw new Error(msg);
      throw new Permanent(msg);
    }
    const hash = opts.expectedSha256 === undefined ? undefined : createHash("sha256");
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (res.body !== null) {
      for await (const chunk of res.body) {
        rearm();
        size += chunk.byteLength;
        if (opts.expectedSize !== undefined && size > opts.expectedSize) {
          ctl.abort();
          throw mismatch(url, "size", String(opts.expectedSize), `more than ${opts.expectedSize}`);
        }
        hash?.update(chunk);
        chunks.push(chunk);
        opts.onBytes?.(chunk.byteLength);
      }
    }
    if (opts.expectedSize !== undefined && size !== opts.expectedSize) {
      throw mismatch(url, "size", String(opts.expectedSize), String(size));
    }
    if (hash !== undefined && opts.expectedSha256 !== undefined) {
      const got = hash.digest("hex");
      if (got !== opts.expectedSha256.toLowerCase()) throw mismatch(url, "sha256", opts.expectedSha256, got);
    }
    return Buffer.concat(chunks, size);
  } finally {
    clearTimeout(timer);
  }
}

function mismatch(url: string, what: string, expected: string, got: string): BrokkrError {
  return new BrokkrError(
    "feed.checksum-mismatch",
    `${url}: ${what} mismatch: expected ${expected}, got ${got}`,
    {
      details: { url, what, expected, got },
    },
  );
}

function httpError(url: string, why: string, cause: unknown): BrokkrError {
  return new BrokkrError("feed.http", `GET ${url} failed: ${why}`, {
    hint: "check the network and the mirror (BROKKR_MIRROR or the host's apt sources)",
    details: { url },
    cause,
  });
}

export interface FetchItem extends FetchOptions {
  url: string;
}

/** Downloads all items, `concurrency` at a time, keeping the input order in the result. */
export async function fetchAll(
  items: readonly FetchItem[],
  concurrency = 8,
  onProgress?: (done: number, total: number) => void,
): Promise<Buffer[]> {
  let done = 0;
  return mapLimit(items, concurrency, async (item) => {
    const data = await fetchBytes(item.url, item);
    onProgress?.(++done, items.length);
    return data;
  });
}

/**
 * Runs `fn` over `items` with at most `concurrency` in flight. On the first failure no new
 * work starts; the work in flight is allowed to finish, then the first error is thrown.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  let firstErr: unknown;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (err) {
        if (!failed) firstErr = err;
        failed = true;
      }
    }
  };
  const n = Math.max(1, Math.min(concurrency, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (failed) throw firstErr;
  return results;
}
