// An S3 client that works with any S3 API, not only AWS's: path-style addressing, checksums only
// where the API requires them, and Content-MD5 on DeleteObjects (servers such as Swift's s3api
// require it and know nothing of the SDK's newer x-amz-checksum headers). DESIGN.md
// ("Scale-out") has what was checked against Swift.
import { createHash } from "node:crypto";
import { CreateBucketCommand, HeadBucketCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { BrokkrError } from "@brokkr/composer";

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The address clients reach the S3 server at, for presigned URLs; default `endpoint`. */
  publicEndpoint?: string | undefined;
}

export function createS3Client(s: S3Settings, endpoint = s.endpoint): S3Client {
  const client = new S3Client({
    endpoint,
    region: s.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 3,
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      if (context.commandName === "DeleteObjectsCommand" && request.headers && typeof request.body === "string") {
        request.headers["content-md5"] = createHash("md5").update(request.body).digest("base64");
      }
      return next(args);
    },
    { step: "build", name: "brokkrContentMd5" },
  );
  return client;
}

/** Creates the bucket when it is missing (and says clearly when the server can't be reached). */
export async function ensureBucket(client: S3Client, s: S3Settings): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: s.bucket }));
    return;
  } catch (err) {
    if (statusOf(err) !== 404) throw unavailable(s, err);
  }
  try {
    await client.send(new CreateBucketCommand({ Bucket: s.bucket }));
  } catch (err) {
    // Another process created it first.
    if (!(err instanceof S3ServiceException && err.name === "BucketAlreadyOwnedByYou")) throw unavailable(s, err);
  }
}

export function statusOf(err: unknown): number | undefined {
  return err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
}

export function unavailable(s: S3Settings, cause: unknown): BrokkrError {
  const why = cause instanceof Error ? cause.message || cause.name : String(cause);
  return new BrokkrError("store.unavailable", `the S3 store ${s.endpoint} (bucket ${s.bucket}) failed: ${why}`, {
    hint: "check BROKKR_S3_ENDPOINT, BROKKR_S3_BUCKET, BROKKR_S3_REGION and the access keys, and that the server is up",
    cause,
  });
}
