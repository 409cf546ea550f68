// The one place that picks the store from the settings: S3 when BROKKR_S3_ENDPOINT is set,
// else the local directory <data dir>/store.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BrokkrError } from "@brokkr/composer";
import type { Settings } from "@brokkr/composer";
import { LocalStore } from "./local-store.ts";
import { openS3Store } from "./s3-store.ts";
import type { BlobStore } from "./types.ts";

export type StoreSettings = Pick<Settings, "dataDir"> &
  Partial<
    Pick<
      Settings,
      "s3Endpoint" | "s3Bucket" | "s3Region" | "s3AccessKeyId" | "s3SecretAccessKey" | "s3PublicEndpoint" | "s3Downloads"
    >
  >;

export async function createStore(s: StoreSettings): Promise<BlobStore> {
  if (!s.s3Endpoint) return new LocalStore(join(s.dataDir, "store"));
  const missing = [
    ["BROKKR_S3_ACCESS_KEY_ID", s.s3AccessKeyId],
    ["BROKKR_S3_SECRET_ACCESS_KEY", s.s3SecretAccessKey],
  ].filter(([, v]) => !v);
  if (missing.length > 0) {
    throw new BrokkrError("config.invalid", `BROKKR_S3_ENDPOINT is set but ${missing.map(([n]) => n).join(" and ")} is not`, {
      hint: "set the S3 access keys, or unset BROKKR_S3_ENDPOINT to keep artifacts in the data dir",
    });
  }
  return openS3Store({
    endpoint: s.s3Endpoint,
    bucket: s.s3Bucket ?? "brokkr",
    region: s.s3Region ?? "us-east-1",
    accessKeyId: s.s3AccessKeyId!,
    secretAccessKey: s.s3SecretAccessKey!,
    publicEndpoint: s.s3PublicEndpoint,
    downloads: s.s3Downloads ?? "proxy",
  });
}

/**
 * A directory holding the splash `sha256` for the builder (which reads files): the local store's
 * own root, or `dir` with the blob copied there as <sha256>.bmp (the builder checks its hash).
 */
export async function assetsDirFor(store: BlobStore, sha256: string | undefined, dir: string): Promise<string> {
  if (store instanceof LocalStore) return store.root;
  if (sha256 !== undefined && (await store.has(sha256))) {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${sha256}.bmp`), await store.read(sha256));
  }
  return dir;
}
