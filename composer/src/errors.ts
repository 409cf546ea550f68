// One error type for the whole composer. Each code names where the error comes from (its
// prefix) and has one line in the table below: its HTTP status and its CLI exit code. The wire
// form (errorToJson / errorFromJson) is the one way an error crosses HTTP, the build child's
// IPC channel, the database and server actions.

/** Every code: HTTP status (500: our bug or the build's, not the request's) and CLI exit code. */
const codes = {
  "spec.invalid": { http: 400, exit: 1 },
  "spec.parse": { http: 400, exit: 1 },
  "catalog.invalid": { http: 500, exit: 1 },
  "catalog.not-found": { http: 404, exit: 1 },
  "feed.mirror-unknown": { http: 500, exit: 2 },
  "feed.http": { http: 502, exit: 2 },
  "feed.signature": { http: 502, exit: 2 },
  "feed.checksum-mismatch": { http: 502, exit: 2 },
  "feed.index-missing": { http: 502, exit: 2 },
  "feed.package-missing": { http: 500, exit: 2 },
  "feed.release-expired": { http: 502, exit: 2 },
  "feed.release-replayed": { http: 502, exit: 2 },
  "resolve.unsatisfiable": { http: 500, exit: 2 },
  "resolve.lock-mismatch": { http: 400, exit: 2 },
  "deb.invalid": { http: 500, exit: 2 },
  "rootfs.conflict": { http: 500, exit: 2 },
  "kernel.module-missing": { http: 500, exit: 2 },
  "kernel.image-missing": { http: 500, exit: 2 },
  "kernel.invalid": { http: 500, exit: 2 },
  "boot.stub-missing": { http: 500, exit: 2 },
  "boot.pe-invalid": { http: 500, exit: 2 },
  "boot.not-implemented": { http: 501, exit: 2 },
  "boot.limine-missing": { http: 500, exit: 2 },
  "boot.loader-missing": { http: 500, exit: 2 },
  "image.too-large": { http: 500, exit: 2 },
  "image.invalid": { http: 500, exit: 2 },
  "asset.not-found": { http: 404, exit: 2 },
  "asset.invalid": { http: 400, exit: 2 },
  "qemu.missing": { http: 500, exit: 2 },
  "qemu.timeout": { http: 500, exit: 3 },
  "qemu.failed": { http: 500, exit: 3 },
  "qemu.unsupported": { http: 500, exit: 2 },
  io: { http: 500, exit: 2 },
  "config.invalid": { http: 500, exit: 78 },
  "cli.usage": { http: 400, exit: 64 },
  "service.bad-request": { http: 400, exit: 2 },
  "service.not-found": { http: 404, exit: 2 },
  "service.method-not-allowed": { http: 405, exit: 2 },
  "service.too-large": { http: 413, exit: 2 },
  "service.unsupported-media-type": { http: 415, exit: 2 },
  "service.range-not-satisfiable": { http: 416, exit: 2 },
  "service.unavailable": { http: 503, exit: 2 },
  "service.queue-full": { http: 429, exit: 2 },
  "service.rate-limited": { http: 429, exit: 2 },
  "service.conflict": { http: 409, exit: 2 },
  "service.unauthorized": { http: 401, exit: 2 },
  "service.forbidden": { http: 403, exit: 2 },
  "build.interrupted": { http: 500, exit: 2 },
  "build.crashed": { http: 500, exit: 2 },
  "build.cancelled": { http: 500, exit: 2 },
  "build.time-limit": { http: 500, exit: 2 },
  "build.memory-limit": { http: 500, exit: 2 },
  "build.too-large": { http: 500, exit: 2 },
  "remote.http": { http: 500, exit: 2 },
  "remote.build-failed": { http: 500, exit: 2 },
  "remote.checksum-mismatch": { http: 500, exit: 2 },
  "remote.unsafe-name": { http: 500, exit: 2 },
  "store.missing": { http: 500, exit: 2 },
  "store.corrupt": { http: 500, exit: 2 },
  "store.unavailable": { http: 503, exit: 2 },
  "sign.key": { http: 500, exit: 2 },
  "verify.missing": { http: 500, exit: 1 },
  "verify.signature": { http: 500, exit: 1 },
  "verify.checksum": { http: 500, exit: 1 },
  internal: { http: 500, exit: 70 },
} satisfies Record<string, { http: number; exit: number }>;

export type ErrorCode = keyof typeof codes;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(codes, code);
}

/**
 * What kind of problem: `invalid` (the spec is wrong), `not-implemented` (valid, but no boot
 * chain writes it yet), `unavailable` (this machine lacks what the chain needs, e.g. Limine's
 * files). Absent means invalid.
 */
export type ProblemKind = "invalid" | "not-implemented" | "unavailable";

export interface Problem {
  /** Dotted path into the document, e.g. `boot.protocol` or `drivers[2]`. */
  path: string;
  message: string;
  hint?: string;
  kind?: ProblemKind;
  /** The error code this problem would fail a build with (`boot.not-implemented`, ...). */
  code?: ErrorCode;
}

export class BrokkrError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  /** Every problem found, for validation errors that report all at once. */
  readonly problems: Problem[];

  constructor(
    code: ErrorCode,
    message: string,
    opts: { hint?: string; details?: Record<string, unknown>; problems?: Problem[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "BrokkrError";
    this.code = code;
    this.hint = opts.hint;
    this.details = opts.details;
    this.problems = opts.problems ?? [];
  }
}

/**
 * A BrokkrError, also one made by another copy of this module (Next's bundle and the server
 * each load their own), where `instanceof` fails.
 */
export function isBrokkrError(err: unknown): err is BrokkrError {
  return err instanceof BrokkrError || (err instanceof Error && err.name === "BrokkrError" && isErrorCode((err as BrokkrError).code));
}

export function exitCodeOf(err: unknown): number {
  return isBrokkrError(err) ? codes[err.code].exit : codes.internal.exit;
}

export function httpStatusOf(err: unknown): number {
  return isBrokkrError(err) ? codes[err.code].http : codes.internal.http;
}

/** The wire form: `{ error: ErrorJson }` in HTTP bodies, the build child's message, a build row. */
export interface ErrorJson {
  code: ErrorCode;
  message: string;
  hint?: string;
  problems?: Problem[];
  details?: Record<string, unknown>;
}

/**
 * The wire form of any thrown value. Anything but a BrokkrError is our bug: it becomes a bare
 * `internal` error (the caller logs the original), or keeps its message with `keepMessage`
 * (a build row, whose log shows it anyway). Details go out only for spec errors, where they
 * locate the problem in the user's own document; elsewhere they may name server paths.
 */
export function errorToJson(err: unknown, opts: { keepMessage?: boolean } = {}): ErrorJson {
  if (!isBrokkrError(err)) {
    const message = opts.keepMessage && err instanceof Error && err.message ? err.message : "internal error";
    return { code: "internal", message };
  }
  return {
    code: err.code,
    message: err.message,
    ...(err.hint ? { hint: err.hint } : {}),
    ...(err.problems.length > 0 ? { problems: err.problems.map((p) => ({ ...p })) } : {}),
    ...(err.details && err.code.startsWith("spec.") ? { details: err.details } : {}),
  };
}

/**
 * Back from the wire: whatever arrives (another version's server, a damaged row) becomes a
 * BrokkrError; a code this version does not know becomes `unknownCode`, named in the message.
 */
export function errorFromJson(json: unknown, unknownCode: ErrorCode = "internal"): BrokkrError {
  const e = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  const known = isErrorCode(e["code"]);
  const text = typeof e["message"] === "string" ? e["message"] : "unknown error";
  const message = known || e["code"] === undefined ? text : `${text} (${String(e["code"])})`;
  const problems = Array.isArray(e["problems"]) ? e["problems"].filter(isProblem).map((p) => ({ ...p })) : [];
  const details = typeof e["details"] === "object" && e["details"] !== null ? (e["details"] as Record<string, unknown>) : undefined;
  return new BrokkrError(known ? (e["code"] as ErrorCode) : unknownCode, message, {
    ...(typeof e["hint"] === "string" ? { hint: e["hint"] } : {}),
    ...(details ? { details } : {}),
    problems,
  });
}

function isProblem(p: unknown): p is Problem {
  const o = p as Record<string, unknown> | null;
  if (typeof o !== "object" || o === null) return false;
  return typeof o["path"] === "string" && typeof o["message"] === "string" && (o["hint"] === undefined || typeof o["hint"] === "string");
}

/** Renders an error for a terminal: message, each problem with its path, then the hint. */
export function formatError(err: unknown): string {
  if (!isBrokkrError(err)) {
    return err instanceof Error ? `internal error: ${err.stack ?? err.message}` : `internal error: ${String(err)}`;
  }
  const lines = [`error[${err.code}]: ${err.message}`];
  for (const p of err.problems) {
    lines.push(`  - ${p.path || "(root)"}: ${p.message}`);
    if (p.hint) lines.push(`      hint: ${p.hint}`);
  }
  if (err.hint) lines.push(`hint: ${err.hint}`);
  return lines.join("\n");
}
