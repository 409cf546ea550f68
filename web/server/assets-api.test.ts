// POST /api/assets and the files it makes, against the real server: every accepted format, each
// limit and bad input as a 4xx JSON error (never a 500), and the stored splash read back.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { readBmpInfo } from "@brokkr/composer";
import { startTestServer } from "./test-server.ts";

let server: Awaited<ReturnType<typeof startTestServer>>;
const statuses: number[] = [];

before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
  assert.ok(!statuses.some((s) => s >= 500), `no 5xx answers, got ${statuses.join(",")}`);
});

interface Uploaded {
  id: string;
  width: number;
  height: number;
  thumbnail: string;
  splash: string;
}

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`${server.url}${path}`, init);
  statuses.push(res.status);
  return res;
}

const upload = (body: Buffer | string, type: string) =>
  call("/api/assets", { method: "POST", headers: { "content-type": type }, body: typeof body === "string" ? body : new Uint8Array(body) });

async function expectError(res: Response, status: number, code: string): Promise<string> {
  assert.equal(res.status, status, `${res.status}: ${await res.clone().text()}`);
  const { error } = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(error.code, code);
  return error.message;
}

const picture = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 4, background: { r: 200, g: 40, b: 10, alpha: 1 } } });
const svg = (w: number, h: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><circle cx="${w / 2}" cy="${h / 2}" r="${h / 3}" fill="teal"/></svg>`;

test("PNG, JPEG, WebP and SVG become a splash BMP within 800×600 and a PNG thumbnail", async () => {
  const cases: [string, Buffer | string, number, number][] = [
    ["image/png", await picture(1600, 1200).png().toBuffer(), 800, 600],
    ["image/jpeg", await picture(1000, 400).jpeg().toBuffer(), 800, 320],
    ["image/webp", await picture(300, 500).webp().toBuffer(), 300, 500],
    ["image/svg+xml", svg(640, 1280), 300, 600],
  ];
  for (const [type, body, w, h] of cases) {
    const res = await upload(body, type);
    assert.equal(res.status, 201, `${type}: ${await res.clone().text()}`);
    const asset = (await res.json()) as Uploaded;
    assert.deepEqual([asset.width, asset.height], [w, h], type);
    assert.equal(asset.thumbnail, `/api/assets/${asset.id}/thumbnail.png`);

    const bmpRes = await call(asset.splash);
    assert.equal(bmpRes.status, 200);
    assert.equal(bmpRes.headers.get("content-type"), "image/bmp");
    const bmp = Buffer.from(await bmpRes.arrayBuffer());
    assert.equal(createHash("sha256").update(bmp).digest("hex"), asset.id, "the ID is the BMP's sha256");
    assert.deepEqual(readBmpInfo(bmp), { width: w, height: h, bitsPerPixel: 24, dataOffset: 54 });

    const thumbRes = await call(asset.thumbnail);
    assert.equal(thumbRes.headers.get("content-type"), "image/png");
    const meta = await sharp(Buffer.from(await thumbRes.arrayBuffer())).metadata();
    assert.equal(meta.format, "png");
    assert.ok(Math.max(meta.width ?? 0, meta.height ?? 0) <= 256 && (meta.width ?? 0) > 0, `${type} thumbnail ${meta.width}×${meta.height}`);
    const info = (await (await call(`/api/assets/${asset.id}`)).json()) as Uploaded;
    assert.equal(info.id, asset.id);
  }
});

test("a multipart/form-data file gives the same asset as the raw body", async () => {
  const png = await picture(120, 80).png().toBuffer();
  const raw = (await (await upload(png, "image/png")).json()) as Uploaded;
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(png)], { type: "image/png" }), "logo.png");
  const res = await call("/api/assets", { method: "POST", body: form });
  assert.equal(res.status, 201);
  assert.equal(((await res.json()) as Uploaded).id, raw.id);
  const empty = new FormData();
  empty.append("note", "no file here");
  assert.match(await expectError(await call("/api/assets", { method: "POST", body: empty }), 400, "service.bad-request"), /no file field/);
  const gif = new FormData();
  gif.append("file", new Blob([new Uint8Array(png)], { type: "image/gif" }), "logo.gif");
  await expectError(await call("/api/assets", { method: "POST", body: gif }), 415, "service.unsupported-media-type");
});

test("limits: a body over 5 MiB is a 413, more than 4096×4096 pixels a 413", async () => {
  await expectError(await upload(Buffer.alloc(5 * 1024 * 1024 + 1, 7), "image/png"), 413, "service.too-large");
  // Small files that decode to huge canvases.
  const big = await sharp({ create: { width: 5000, height: 4000, channels: 3, background: "#000" } }).png().toBuffer();
  assert.ok(big.length < 5 * 1024 * 1024);
  assert.match(await expectError(await upload(big, "image/png"), 413, "service.too-large"), /4096×4096/);
  await expectError(await upload(svg(20000, 20000), "image/svg+xml"), 413, "service.too-large");
});

test("wrong content types are a 415, broken images a 400", async () => {
  await expectError(await upload("hello", "text/plain"), 415, "service.unsupported-media-type");
  await expectError(await call("/api/assets", { method: "POST", body: new Uint8Array([1, 2, 3]) }), 415, "service.unsupported-media-type");
  const gif = await picture(10, 10).gif().toBuffer();
  assert.match(await expectError(await upload(gif, "image/png"), 415, "service.unsupported-media-type"), /not gif/);
  const png = await picture(300, 300).png().toBuffer();
  await expectError(await upload(png.subarray(0, png.length >> 1), "image/png"), 400, "asset.invalid");
  await expectError(await upload(Buffer.from("not an image at all"), "image/jpeg"), 400, "asset.invalid");
  await expectError(await upload("<svg", "image/svg+xml"), 400, "asset.invalid");
  await expectError(await upload(Buffer.alloc(0), "image/png"), 400, "service.bad-request");
});

test("unknown and malformed asset IDs are a 404 and a 400; a spec may name an uploaded splash", async () => {
  await expectError(await call(`/api/assets/${"0".repeat(64)}/splash.bmp`), 404, "service.not-found");
  await expectError(await call("/api/assets/nope/thumbnail.png"), 400, "service.bad-request");
  await expectError(await call("/api/assets"), 405, "service.method-not-allowed");
  const asset = (await (await upload(await picture(64, 64).png().toBuffer(), "image/png")).json()) as Uploaded;
  const res = await call("/api/schematics", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "branded", arch: "x86_64", branding: { splash: asset.id } }),
  });
  assert.equal(res.status, 201);
  assert.deepEqual(((await res.json()) as { spec: { branding: unknown } }).spec.branding, { splash: asset.id });
  const unknown = await call("/api/schematics", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "branded", arch: "x86_64", branding: { splash: "9".repeat(64) } }),
  });
  assert.equal(unknown.status, 400);
  const { error } = (await unknown.json()) as { error: { code: string; problems: { path: string; hint?: string }[] } };
  assert.equal(error.code, "spec.invalid");
  assert.equal(error.problems[0]?.path, "branding.splash");
  assert.match(error.problems[0]?.hint ?? "", /POST \/api\/assets/);
});
