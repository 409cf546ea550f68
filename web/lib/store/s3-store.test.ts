// The S3 store against a real S3 server (OpenStack Swift + s3api from Debian's packages, see
// test-swift.ts): the conformance suite, then what only S3 has (bucket creation, presigned URLs,
// stale multipart uploads, copies in parts). One Swift for the whole file.
import assert from "node:assert/strict";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { CreateMultipartUploadCommand, ListMultipartUploadsCommand, PutObjectCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import { runStoreConformance } from "./conformance.ts";
import { blobKey } from "./names.ts";
import { openS3Store, type S3StoreOptions } from "./s3-store.ts";
import { startSwift, type TestSwift } from "./test-swift.ts";

let swift: TestSwift;
before(async () => {
  swift = await startSwift();
  console.log(`# Swift answered ${swift.startMs} ms after start (pids ${swift.pids.join(" ")})`);
});
after(() => swift?.stop());

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const optionsFor = (extra: Partial<S3StoreOptions> = {}): S3StoreOptions => ({
  endpoint: swift.endpoint,
  region: swift.region,
  accessKeyId: swift.accessKeyId,
  secretAccessKey: swift.secretAccessKey,
  bucket: `brokkr-${randomUUID()}`,
  downloads: "proxy",
  ...extra,
});

runStoreConformance({
  name: "S3 (Swift s3api)",
  newStore: async () => {
    const store = await openS3Store(optionsFor());
    return {
      store,
      tamper: async (sha256, bytes) => {
        await store.client.send(new PutObjectCommand({ Bucket: store.bucket, Key: blobKey(sha256), Body: bytes }));
      },
    };
  },
});

test("the bucket is created when missing, and opening it again is fine", async () => {
  const opts = optionsFor();
  const one = await openS3Store(opts);
  await one.put(Buffer.from("x"));
  const two = await openS3Store(opts);
  assert.equal(await two.has(sha("x")), true);
});

test("a server nobody answers on is store.unavailable, naming the settings to check", async () => {
  await assert.rejects(openS3Store({ ...optionsFor(), endpoint: "http://127.0.0.1:9" }), (err: Error & { code?: string; hint?: string }) => {
    assert.equal(err.code, "store.unavailable");
    assert.match(err.hint ?? "", /BROKKR_S3_ENDPOINT/);
    return true;
  });
});

test("presigned downloads: only in redirect mode, on the public endpoint, with the file's name", async () => {
  const proxy = await openS3Store(optionsFor());
  const data = randomBytes(1000);
  await proxy.put(data);
  assert.equal(await proxy.downloadUrl(sha(data), { filename: "disk.img", contentType: "application/octet-stream" }), undefined);

  const opts = optionsFor({ downloads: "redirect", publicEndpoint: swift.endpoint.replace("127.0.0.1", "localhost") });
  const store = await openS3Store(opts);
  await store.put(data);
  const url = await store.downloadUrl(sha(data), { filename: "disk.img", contentType: "application/octet-stream" });
  assert.ok(url?.startsWith(`${opts.publicEndpoint}/${opts.bucket}/`), url);
  const res = await fetch(url!, { headers: { range: "bytes=10-19" } });
  assert.equal(res.status, 206);
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(data.subarray(10, 20)));
  const whole = await fetch(url!);
  assert.match(whole.headers.get("content-disposition") ?? "", /filename="disk.img"/);
  assert.ok(Buffer.from(await whole.arrayBuffer()).equals(data));
  const forged = await fetch(url!.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${"0".repeat(64)}`));
  assert.equal(forged.status, 403, "a changed signature is refused");
});

test("the janitor aborts stale multipart uploads and keeps young ones", async () => {
  const store = await openS3Store(optionsFor());
  const started = await store.client.send(new CreateMultipartUploadCommand({ Bucket: store.bucket, Key: "staging/dead-worker-1/x" }));
  await store.client.send(
    new UploadPartCommand({ Bucket: store.bucket, Key: "staging/dead-worker-1/x", UploadId: started.UploadId, PartNumber: 1, Body: randomBytes(1000) }),
  );
  assert.equal((await store.sweep(new Date(Date.now() - 3600_000))).abortedUploads, 0);
  assert.equal((await store.sweep(new Date(Date.now() + 60_000))).abortedUploads, 1);
  const left = await store.client.send(new ListMultipartUploadsCommand({ Bucket: store.bucket }));
  assert.deepEqual(left.Uploads ?? [], []);
});

test("publish copies in parts above the copy limit (S3 copies at most 5 GiB at once)", async () => {
  const store = await openS3Store({ ...optionsFor(), copyLimitBytes: 5 * 1024 * 1024 });
  const data = randomBytes(12 * 1024 * 1024 + 5);
  const staging = store.stage("parts-1");
  await staging.put(data);
  await staging.publish();
  assert.equal(await store.verify(sha(data)), "ok");
  assert.equal(await store.size(sha(data)), data.length);
});
