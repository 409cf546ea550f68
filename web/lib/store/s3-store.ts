// The S3 store: blobs at sha256/<hh>/<sha256> in one bucket. An attempt uploads (multipart for
// big files) to staging/<attempt>/<uuid>, hashing the bytes as they go; publish() copies each to
// its sha256 key on the server, over any object already there (never trusted), then deletes
// the staging objects. S3 writes are atomic, so a reader sees a whole blob or none.
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat, unlink } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { blobKey, checkAttempt, checkSha256, HashingStream, isSha256, missing } from "./names.ts";
import { createS3Client, ensureBucket, type S3Settings, statusOf, unavailable } from "./s3-client.ts";
import type { BlobStore, ByteRange, ListedBlob, Staging, StoredBlob, SweepReport, VerifyResult } from "./types.ts";

export interface S3StoreOptions extends S3Settings {
  /** `redirect`: downloads get a 302 to a presigned URL; `proxy`: the server streams them. */
  downloads: "proxy" | "redirect";
  /** How long a presigned URL stays valid; default 1 hour. */
  presignSeconds?: number;
  /** Objects above this are copied in parts (S3's CopyObject stops at 5 GiB); default 5 GiB. */
  copyLimitBytes?: number;
}

const mib = 1024 * 1024;

/** Connects, creates the bucket when missing, and returns the store. */
export async function openS3Store(opts: S3StoreOptions): Promise<S3Store> {
  const store = new S3Store(opts);
  await ensureBucket(store.client, opts);
  return store;
}

export class S3Store implements BlobStore {
  readonly kind = "s3";
  readonly client: S3Client;
  readonly bucket: string;
  private readonly opts: S3StoreOptions;
  private readonly presigner: S3Client;

  constructor(opts: S3StoreOptions) {
    this.opts = opts;
    this.bucket = opts.bucket;
    this.client = createS3Client(opts);
    this.presigner = opts.publicEndpoint ? createS3Client(opts, opts.publicEndpoint) : this.client;
  }

  async put(data: Buffer | Readable): Promise<StoredBlob> {
    return this.once((s) => s.put(data));
  }

  async moveIn(file: string): Promise<StoredBlob> {
    return this.once((s) => s.moveIn(file));
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== undefined;
  }

  async size(sha256: string): Promise<number | undefined> {
    const Key = blobKey(sha256);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
      return head.ContentLength;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw unavailable(this.opts, err);
    }
  }

  async open(sha256: string, range?: ByteRange): Promise<Readable> {
    const Key = blobKey(sha256);
    try {
      const got = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
      );
      return got.Body as Readable;
    } catch (err) {
      if (statusOf(err) === 404) throw missing(sha256, err);
      throw unavailable(this.opts, err);
    }
  }

  async read(sha256: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.open(sha256)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async verify(sha256: string): Promise<VerifyResult> {
    checkSha256(sha256);
    let body: Readable;
    try {
      body = await this.open(sha256);
    } catch (err) {
      if ((err as { code?: string }).code === "store.missing") return "missing";
      throw err;
    }
    const hashing = new HashingStream();
    await pipeline(body, hashing, async (source: AsyncIterable<Buffer>) => {
      for await (const _ of source);
    });
    return hashing.digest() === sha256 ? "ok" : "corrupt";
  }

  async delete(sha256: string): Promise<void> {
    const Key = blobKey(sha256);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key })).catch((err: unknown) => {
      if (statusOf(err) !== 404) throw unavailable(this.opts, err);
    });
  }

  async *list(): AsyncIterable<ListedBlob> {
    for await (const o of this.listPrefix("sha256/")) {
      const name = o.key.slice("sha256/xx/".length);
      if (isSha256(name) && o.key === blobKey(name)) yield { sha256: name, size: o.size, modified: o.modified };
    }
  }

  stage(attempt: string): Staging {
    return new S3Staging(this, checkAttempt(attempt));
  }

  async sweep(olderThan: Date): Promise<SweepReport> {
    const stale: string[] = [];
    for await (const o of this.listPrefix("staging/")) if (o.modified < olderThan) stale.push(o.key);
    await this.deleteKeys(stale);
    let abortedUploads = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await this.client.send(
        new ListMultipartUploadsCommand({ Bucket: this.bucket, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
      );
      for (const u of page.Uploads ?? []) {
        if (!u.Key || !u.UploadId || (u.Initiated && u.Initiated >= olderThan)) continue;
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId }));
        abortedUploads++;
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return { removedStaged: stale.length, abortedUploads };
  }

  async downloadUrl(sha256: string, opts: { filename: string; contentType: string }): Promise<string | undefined> {
    if (this.opts.downloads !== "redirect") return undefined;
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: blobKey(sha256),
      ResponseContentDisposition: `attachment; filename="${opts.filename}"`,
      ResponseContentType: opts.contentType,
    });
    return getSignedUrl(this.presigner, command, { expiresIn: this.opts.presignSeconds ?? 3600 });
  }

  /** Uploads a body to `key` (multipart above one part), hashing the bytes on their way. */
  async upload(key: string, body: Readable, size: number | undefined): Promise<StoredBlob> {
    const hashing = new HashingStream();
    // Swift allows 1,000 parts; S3 10,000: stay within both, 8 MiB at least.
    const partSize = Math.max(8 * mib, Math.ceil((size ?? 64 * 1024 * mib) / 1000 / mib) * mib);
    const upload = new Upload({ client: this.client, params: { Bucket: this.bucket, Key: key, Body: body.pipe(hashing) }, partSize, queueSize: 4 });
    body.once("error", (err) => hashing.destroy(err));
    try {
      await upload.done();
    } catch (err) {
      throw unavailable(this.opts, err);
    }
    return { sha256: hashing.digest(), size: hashing.bytes };
  }

  /** A server-side copy; in parts above the copy limit. */
  async copy(from: string, to: string, size: number): Promise<void> {
    const source = `${this.bucket}/${from}`;
    try {
      if (size <= (this.opts.copyLimitBytes ?? 5 * 1024 * mib)) {
        await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: source }));
        return;
      }
      const partBytes = Math.max(this.opts.copyLimitBytes ?? 0, Math.ceil(size / 1000));
      const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: to }));
      try {
        const parts = [];
        for (let start = 0, n = 1; start < size; start += partBytes, n++) {
          const end = Math.min(size, start + partBytes) - 1;
          const part = await this.client.send(
            new UploadPartCopyCommand({ Bucket: this.bucket, Key: to, UploadId, PartNumber: n, CopySource: source, CopySourceRange: `bytes=${start}-${end}` }),
          );
          parts.push({ PartNumber: n, ETag: part.CopyPartResult?.ETag });
        }
        await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId, MultipartUpload: { Parts: parts } }));
      } catch (err) {
        await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId })).catch(() => {});
        throw err;
      }
    } catch (err) {
      throw unavailable(this.opts, err);
    }
  }

  /** DeleteObjects, 1,000 keys a request. */
  async deleteKeys(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000).map((Key) => ({ Key }));
      await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch, Quiet: true } })).catch((err: unknown) => {
        throw unavailable(this.opts, err);
      });
    }
  }

  async *listPrefix(prefix: string): AsyncIterable<{ key: string; size: number; modified: Date }> {
    let token: string | undefined;
    do {
      const page = await this.client
        .send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }))
        .catch((err: unknown) => {
          throw unavailable(this.opts, err);
        });
      for (const o of page.Contents ?? []) {
        if (o.Key) yield { key: o.Key, size: o.Size ?? 0, modified: o.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private async once(fn: (s: Staging) => Promise<StoredBlob>): Promise<StoredBlob> {
    const staging = this.stage(`direct-${randomUUID()}`);
    try {
      const blob = await fn(staging);
      await staging.publish();
      return blob;
    } finally {
      await staging.discard();
    }
  }
}

class S3Staging implements Staging {
  readonly attempt: string;
  private readonly store: S3Store;
  private readonly staged = new Map<string, { blob: StoredBlob; key: string }>();
  private readonly keys: string[] = [];

  constructor(store: S3Store, attempt: string) {
    this.store = store;
    this.attempt = attempt;
  }

  async moveIn(file: string): Promise<StoredBlob> {
    const { size } = await stat(file);
    const blob = await this.upload(createReadStream(file), size);
    await unlink(file);
    return blob;
  }

  async put(data: Buffer | Readable): Promise<StoredBlob> {
    return Buffer.isBuffer(data) ? this.upload(Readable.from([data]), data.length) : this.upload(data, undefined);
  }

  async publish(): Promise<StoredBlob[]> {
    for (const { blob, key } of this.staged.values()) await this.store.copy(key, blobKey(blob.sha256), blob.size);
    const published = [...this.staged.values()].map((s) => s.blob);
    await this.discard();
    return published;
  }

  async discard(): Promise<void> {
    this.staged.clear();
    await this.store.deleteKeys(this.keys.splice(0));
  }

  private async upload(body: Readable, size: number | undefined): Promise<StoredBlob> {
    const key = `staging/${this.attempt}/${randomUUID()}`;
    this.keys.push(key);
    const blob = await this.store.upload(key, body, size);
    this.staged.set(blob.sha256, { blob, key });
    return blob;
  }
}
