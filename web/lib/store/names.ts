// Names in the store: blobs by sha256, staging by attempt. Both are checked before they become a
// path or an object key, so no name can reach outside the store.
import { createHash, type Hash } from "node:crypto";
import { Transform } from "node:stream";
import { BrokkrError } from "@brokkr/composer";

const sha256Pattern = /^[0-9a-f]{64}$/;
const attemptPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function checkSha256(sha256: string): string {
  if (!sha256Pattern.test(sha256)) throw new BrokkrError("internal", `not a sha256: ${JSON.stringify(sha256).slice(0, 80)}`);
  return sha256;
}

export function checkAttempt(attempt: string): string {
  if (!attemptPattern.test(attempt) || attempt.includes("..")) {
    throw new BrokkrError("internal", `not an attempt name: ${JSON.stringify(attempt).slice(0, 80)}`, {
      hint: "an attempt is letters, digits, '.', '_' and '-', at most 128, e.g. '<build id>-1'",
    });
  }
  return attempt;
}

/** The blob's place relative to the store's root or bucket: sha256/<first two digits>/<sha256>. */
export function blobKey(sha256: string): string {
  checkSha256(sha256);
  return `sha256/${sha256.slice(0, 2)}/${sha256}`;
}

export function isSha256(name: string): boolean {
  return sha256Pattern.test(name);
}

export function missing(sha256: string, cause?: unknown): BrokkrError {
  return new BrokkrError("store.missing", `the blob ${sha256} is not in the artifact store`, cause === undefined ? {} : { cause });
}

/** A pass-through that hashes and counts what flows through it: the bytes that were stored. */
export class HashingStream extends Transform {
  private readonly hash: Hash = createHash("sha256");
  bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  digest(): string {
    return this.hash.digest("hex");
  }
}
