// One error type for the whole composer. The code is a closed union so that callers
// (CLI exit codes, HTTP status) map it in one table instead of matching on messages.

export type ErrorCode =
  | "spec.invalid"
  | "spec.parse"
  | "catalog.invalid"
  | "catalog.not-found"
  | "feed.mirror-unknown"
  | "feed.http"
  | "feed.signature"
  | "feed.checksum-mismatch"
  | "feed.index-missing"
  | "feed.package-missing"
  | "feed.release-expired"
  | "feed.release-replayed"
  | "resolve.unsatisfiable"
  | "resolve.lock-mismatch"
  | "deb.invalid"
  | "rootfs.conflict"
  | "kernel.module-missing"
  | "kernel.invalid"
  | "boot.stub-missing"
  | "boot.pe-invalid"
  | "boot.not-implemented"
  | "boot.limine-missing"
  | "boot.loader-missing"
  | "image.too-large"
  | "image.invalid"
  | "asset.not-found"
  | "asset.invalid"
  | "qemu.missing"
  | "qemu.timeout"
  | "qemu.failed"
  | "qemu.unsupported"
  | "io"
  | "config.invalid"
  | "service.bad-request"
  | "service.not-found"
  | "service.method-not-allowed"
  | "service.too-large"
  | "service.unsupported-media-type"
  | "service.range-not-satisfiable"
  | "service.unavailable"
  | "service.queue-full"
  | "service.rate-limited"
  | "service.conflict"
  | "build.interrupted"
  | "build.crashed"
  | "build.cancelled"
  | "build.time-limit"
  | "build.memory-limit"
  | "build.too-large"
  | "remote.http"
  | "remote.build-failed"
  | "remote.checksum-mismatch"
  | "remote.unsafe-name"
  | "internal";

export interface Problem {
  /** Dotted path into the document, e.g. `boot.protocol` or `drivers[2]`. */
  path: string;
  message: string;
  hint?: string;
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

const exitCodes: Partial<Record<ErrorCode, number>> = {
  "spec.invalid": 1,
  "spec.parse": 1,
  "catalog.invalid": 1,
  "catalog.not-found": 1,
  "config.invalid": 78,
  "qemu.timeout": 3,
  "qemu.failed": 3,
  internal: 70,
};

const httpStatus: Partial<Record<ErrorCode, number>> = {
  "spec.invalid": 400,
  "spec.parse": 400,
  "catalog.not-found": 404,
  "feed.http": 502,
  "feed.signature": 502,
  "feed.checksum-mismatch": 502,
  "feed.index-missing": 502,
  "feed.release-expired": 502,
  "feed.release-replayed": 502,
  "boot.not-implemented": 501,
  "asset.not-found": 404,
  "asset.invalid": 400,
  "service.bad-request": 400,
  "service.not-found": 404,
  "service.method-not-allowed": 405,
  "service.too-large": 413,
  "service.unsupported-media-type": 415,
  "service.range-not-satisfiable": 416,
  "service.unavailable": 503,
  "service.queue-full": 429,
  "service.rate-limited": 429,
  "service.conflict": 409,
  "resolve.lock-mismatch": 400,
  internal: 500,
};

export function exitCodeOf(err: unknown): number {
  return err instanceof BrokkrError ? (exitCodes[err.code] ?? 2) : 70;
}

export function httpStatusOf(err: unknown): number {
  return err instanceof BrokkrError ? (httpStatus[err.code] ?? 500) : 500;
}

/** Renders an error for a terminal: message, each problem with its path, then the hint. */
export function formatError(err: unknown): string {
  if (!(err instanceof BrokkrError)) {
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
