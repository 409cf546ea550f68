// The artifact store's one interface: blobs named by their sha256, staged per build attempt and
// made visible by publish(). Two implementations (local-store.ts, s3-store.ts) pass the same
// conformance suite (conformance.ts).
import type { Readable } from "node:stream";

export interface StoredBlob {
  sha256: string;
  size: number;
}

export interface ListedBlob extends StoredBlob {
  /** When the blob was last written (GC keeps young blobs: their build may be committing). */
  modified: Date;
}

/** Bytes start..end of a blob, both inclusive (as in HTTP's Range). */
export interface ByteRange {
  start: number;
  end: number;
}

export type VerifyResult = "ok" | "missing" | "corrupt";

export interface SweepReport {
  /** Staged blobs (and temp files) of attempts that never published. */
  removedStaged: number;
  /** Unfinished multipart uploads aborted (S3 only). */
  abortedUploads: number;
}

export interface BlobStore {
  readonly kind: "local" | "s3";
  /** Stores bytes (assets, small outputs), visible at once; an existing copy is replaced. */
  put(data: Buffer | Readable): Promise<StoredBlob>;
  /** Adopts a file (gone afterwards): hashed as it moves, never trusting a copy already there. */
  moveIn(file: string): Promise<StoredBlob>;
  has(sha256: string): Promise<boolean>;
  /** undefined when the blob is not in the store. */
  size(sha256: string): Promise<number | undefined>;
  /** A stream of the blob, or of a range of it. Throws BrokkrError("store.missing"). */
  open(sha256: string, range?: ByteRange): Promise<Readable>;
  /** The whole blob in memory: for small ones (a cmdline). */
  read(sha256: string): Promise<Buffer>;
  /** Reads the blob and compares its hash with its name (`brokkr gc --verify`). */
  verify(sha256: string): Promise<VerifyResult>;
  delete(sha256: string): Promise<void>;
  /** Every published blob, for garbage collection. */
  list(): AsyncIterable<ListedBlob>;
  /** What one attempt uploads, invisible until publish(). */
  stage(attempt: string): Staging;
  /** The janitor: removes staging left by attempts older than `olderThan`, aborts stale uploads. */
  sweep(olderThan: Date): Promise<SweepReport>;
  /** The blob's file, for a store on this machine: the HTTP layer serves it itself. */
  localPath?(sha256: string): string;
  /**
   * A URL clients may download the blob from for a while, when this store sends downloads
   * there (S3 with presigned downloads); undefined means: serve it through open().
   */
  downloadUrl?(sha256: string, opts: { filename: string; contentType: string }): Promise<string | undefined>;
}

export interface Staging {
  readonly attempt: string;
  moveIn(file: string): Promise<StoredBlob>;
  put(data: Buffer | Readable): Promise<StoredBlob>;
  /**
   * Makes every staged blob visible and durable (fsynced / completed uploads) and empties the
   * staging: call it before the transaction that records the artifacts.
   */
  publish(): Promise<StoredBlob[]>;
  /** Drops what was staged (a failed or cancelled attempt). */
  discard(): Promise<void>;
}
