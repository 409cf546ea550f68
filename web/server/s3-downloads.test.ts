// Artifacts in S3 (a real one: Swift + s3api, web/lib/store/test-swift.ts), in both download
// modes: `proxy` streams with Range/HEAD/ETag like the local store, `redirect` answers GET with a
// 302 to a presigned URL and HEAD / 304 / 416 itself.
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import { loadSplash } from "@brokkr/composer";
import { getSettings } from "@brokkr/composer";
import { createFakeBuilder, fakeDisk } from "../lib/builds/fake-builder.ts";
import { assetsDirFor, createStore, type StoreSettings } from "../lib/store/create-store.ts";
import { startSwift, type TestSwift } from "../lib/store/test-swift.ts";
import { sendArtifact } from "./send-file.ts";
import { startTestServer } from "./test-server.ts";

type Server = Awaited<ReturnType<typeof startTestServer>>;
const minimalYaml = readFileSync(join(getSettings().root, "examples/minimal.yaml"), "utf8");
let swift: TestSwift;

before(async () => {
  swift = await startSwift();
  console.log(`# Swift answered ${swift.startMs} ms after start`);
});
after(() => swift?.stop());

function s3(mode: "proxy" | "redirect", extra: Partial<StoreSettings> = {}): Omit<StoreSettings, "dataDir"> {
  return {
    s3Endpoint: swift.endpoint,
    s3Bucket: `brokkr-${randomUUID()}`,
    s3Region: swift.region,
    s3AccessKeyId: swift.accessKeyId,
    s3SecretAccessKey: swift.secretAccessKey,
    s3Downloads: mode,
    ...extra,
  };
}

/** A schematic, built by the fake builder: its build id and schematic id. */
async function build(server: Server, name: string): Promise<{ id: string; buildId: string }> {
  const res = await fetch(`${server.url}/api/schematics`, {
    method: "POST",
    headers: { "content-type": "application/yaml" },
    body: minimalYaml.replace("name: minimal", `name: ${name}`),
  });
  assert.equal(res.status, 201);
  const { id } = (await res.json()) as { id: string };
  const started = await fetch(`${server.url}/api/schematics/${id}/builds`, { method: "POST" });
  const { buildId } = (await started.json()) as { buildId: string };
  await (await fetch(`${server.url}/api/builds/${buildId}/log`)).text(); // ends with the build
  const b = (await (await fetch(`${server.url}/api/builds/${buildId}`)).json()) as { status: string };
  assert.equal(b.status, "succeeded");
  return { id, buildId };
}

describe("downloads from S3 through the server (proxy)", () => {
  let server: Server;
  before(async () => {
    server = await startTestServer({ builder: createFakeBuilder().builder, store: s3("proxy") });
  });
  after(() => server?.close());

  test("whole, Range, HEAD, ETag → 304, 416, and the PXE script's cmdline read from S3", async () => {
    const { id, buildId } = await build(server, "s3-proxy");
    const disk = fakeDisk(id);
    const sha = createHash("sha256").update(disk).digest("hex");
    assert.equal(existsSync(join(server.dataDir, "store", "sha256")), false, "nothing went to the local store");
    assert.equal(await server.service.store.has(sha), true);

    const whole = await fetch(`${server.url}/api/builds/${buildId}/disk.img`);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get("content-length"), String(disk.length));
    assert.equal(whole.headers.get("etag"), `"${sha}"`);
    assert.equal(whole.headers.get("accept-ranges"), "bytes");
    assert.ok(Buffer.from(await whole.arrayBuffer()).equals(disk));

    const part = await fetch(`${server.url}/images/${id}/disk.img`, { headers: { range: "bytes=1000-1999" } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), `bytes 1000-1999/${disk.length}`);
    assert.equal(part.headers.get("content-length"), "1000");
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(disk.subarray(1000, 2000)));

    const head = await fetch(`${server.url}/api/builds/${buildId}/disk.img`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(disk.length));

    const cached = await fetch(`${server.url}/api/builds/${buildId}/disk.img`, { headers: { "if-none-match": `"${sha}"` } });
    assert.equal(cached.status, 304);
    const beyond = await fetch(`${server.url}/api/builds/${buildId}/disk.img`, { headers: { range: `bytes=${disk.length}-` } });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get("content-range"), `bytes */${disk.length}`);

    const script = await (await fetch(`${server.url}/pxe/${id}/boot.ipxe`)).text();
    assert.match(script, /console=ttyS0 quiet/);
  });

  test("an uploaded splash goes to S3, is served from there, and reaches the builder as a file", async () => {
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 9, g: 99, b: 199 } } }).png().toBuffer();
    const res = await fetch(`${server.url}/api/assets`, { method: "POST", headers: { "content-type": "image/png" }, body: new Uint8Array(png) });
    assert.equal(res.status, 201);
    const asset = (await res.json()) as { id: string; splash: string; thumbnail: string };
    assert.equal(await server.service.store.has(asset.id), true);
    const bmp = Buffer.from(await (await fetch(`${server.url}${asset.splash}`)).arrayBuffer());
    assert.equal(createHash("sha256").update(bmp).digest("hex"), asset.id);
    const thumb = await fetch(`${server.url}${asset.thumbnail}`);
    assert.equal(thumb.status, 200);
    assert.equal((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).format, "png");

    const dir = await assetsDirFor(server.service.store, asset.id, join(server.dataDir, "assets-for-builder"));
    const spec = { branding: { splash: asset.id } } as Parameters<typeof loadSplash>[0];
    assert.ok((await loadSplash(spec, dir))?.equals(bmp));
  });

  test("an object gone from the bucket is an error answer, not a cut download", async () => {
    const { id, buildId } = await build(server, "s3-gone");
    await server.service.store.delete(createHash("sha256").update(fakeDisk(id)).digest("hex"));
    const res = await fetch(`${server.url}/api/builds/${buildId}/disk.img`);
    assert.equal(res.status, 500);
    assert.match(res.headers.get("content-type") ?? "", /json/);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "store.missing");
  });
});

// The redirect mode at the HTTP layer itself (sendArtifact over an S3 store): one server with a
// database per file is enough, and the proxy test above has it.
describe("downloads from S3 by redirect to a presigned URL", () => {
  let http: HttpServer;
  let base: string;
  let publicEndpoint: string;
  const disk = fakeDisk("redirect");
  const artifact = { file: "disk.img", sha256: createHash("sha256").update(disk).digest("hex"), size: disk.length };
  before(async () => {
    publicEndpoint = swift.endpoint.replace("127.0.0.1", "localhost");
    const store = await createStore({ dataDir: "/nonexistent", ...s3("redirect", { s3PublicEndpoint: publicEndpoint }) });
    await store.put(disk);
    http = createServer((req, res) => void sendArtifact(req, res, artifact, store, { immutable: true }));
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  after(async () => {
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });

  test("GET → 302 to the public endpoint, which serves Range; HEAD, 304 and 416 are answered here", async () => {
    const moved = await fetch(base, { redirect: "manual" });
    assert.equal(moved.status, 302);
    const location = moved.headers.get("location") ?? "";
    assert.ok(location.startsWith(`${publicEndpoint}/`), location);
    assert.equal(moved.headers.get("cache-control"), "no-store");

    const followed = await fetch(base, { headers: { range: "bytes=-100" } });
    assert.equal(followed.status, 206);
    assert.ok(Buffer.from(await followed.arrayBuffer()).equals(disk.subarray(disk.length - 100)));
    const whole = await fetch(base);
    assert.match(whole.headers.get("content-disposition") ?? "", /attachment; filename="disk.img"/);
    assert.ok(Buffer.from(await whole.arrayBuffer()).equals(disk));

    const head = await fetch(base, { method: "HEAD", redirect: "manual" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(disk.length));
    assert.equal(head.headers.get("etag"), `"${artifact.sha256}"`);
    assert.equal((await fetch(base, { headers: { "if-none-match": `"${artifact.sha256}"` }, redirect: "manual" })).status, 304);
    assert.equal((await fetch(base, { headers: { range: "bytes=99999999-" }, redirect: "manual" })).status, 416);
  });
});

test("BROKKR_S3_ENDPOINT without keys: the server does not start, and says which setting is missing", async () => {
  await assert.rejects(
    startTestServer({ store: { s3Endpoint: swift.endpoint } }),
    (err: Error & { code?: string }) => err.code === "config.invalid" && /BROKKR_S3_ACCESS_KEY_ID/.test(err.message),
  );
});
