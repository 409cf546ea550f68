// Small helpers of the plain HTTP layer: JSON answers, the one error shape, bounded bodies.
import type { IncomingMessage, ServerResponse } from "node:http";
import { BrokkrError, errorToJson, httpStatusOf } from "@brokkr/composer";

export const maxBodyBytes = 1024 * 1024;

export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonBytes(req, res, status, jsonBytes(body), headers);
}

/** The body as sendJson sends it; for answers that are made once and sent many times. */
export function jsonBytes(body: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(body)}\n`);
}

export function sendJsonBytes(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  data: Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": data.length,
    "cache-control": "no-store",
    ...headers,
  });
  res.end(req.method === "HEAD" ? undefined : data);
}

/**
 * `{ error: { code, message, problems?, hint?, details? } }` with the status of the error's code.
 * Anything that is not a BrokkrError is our bug: a 500 whose details stay in the server log.
 */
export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  err: unknown,
  headers: Record<string, string> = {},
): void {
  const status = httpStatusOf(err);
  const error = errorToJson(err);
  if (status >= 500) console.error(`${req.method} ${req.url}:`, err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const retryAfter = err instanceof BrokkrError ? err.details?.["retryAfter"] : undefined;
  if (typeof retryAfter === "number") headers = { ...headers, "retry-after": String(retryAfter) };
  if (status === 401) headers = { ...headers, "www-authenticate": 'Bearer realm="brokkr"' };
  // After a refused body the connection may still carry unread bytes: do not reuse it.
  sendJson(req, res, status, { error }, status === 413 || !req.complete ? { ...headers, connection: "close" } : headers);
}

export function badRequest(message: string, hint?: string): BrokkrError {
  return new BrokkrError("service.bad-request", message, hint ? { hint } : {});
}

export function notFound(message: string, hint?: string): BrokkrError {
  return new BrokkrError("service.not-found", message, hint ? { hint } : {});
}

/** The media type of the request body, lower case, without parameters ("" when absent). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
}

/**
 * Reads the whole body, at most `limit` bytes. A larger body is still read to its end (up to a
 * sane cap) before the 413, so the client gets to read the answer instead of a reset.
 */
export function readBody(req: IncomingMessage, limit = maxBodyBytes): Promise<Buffer> {
  const tooLarge = () =>
    new BrokkrError("service.too-large", `the request body is larger than ${limit} bytes`, {
      hint: "a spec is a few kilobytes of YAML or JSON",
    });
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (declared > limit * 64) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > limit * 64) {
        req.destroy();
        reject(tooLarge());
      }
    });
    req.once("end", () => (size > limit ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    req.once("error", reject);
  });
}

export function decodeSegment(s: string): string {
  if (!s.includes("%")) return s; // nothing to decode: the common case, and a cheaper one
  try {
    return decodeURIComponent(s);
  } catch {
    throw badRequest(`malformed URL segment '${s}'`);
  }
}
