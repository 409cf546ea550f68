// The HTTP API against the real server (fake builder): every endpoint, its bad inputs, and the
// download rules (Range, HEAD, ETag, 416). No answer here may be a 500.
import assert from "node:assert/strict";
import { request } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import { getSettings } from "@brokkr/composer";
import { createFakeBuilder, fakeDisk } from "../lib/builds/fake-builder.ts";
import { readSse, startTestServer } from "./test-server.ts";

const minimalYaml = readFileSync(join(getSettings().root, "examples/minimal.yaml"), "utf8");
const fake = createFakeBuilder();
let server: Awaited<ReturnType<typeof startTestServer>>;
const statuses: number[] = [];

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`${server.url}${path}`, init);
  statuses.push(res.status);
  return res;
}

async function expectError(res: Response, status: number, code: string): Promise<{ code: string; message: string; problems?: unknown[]; hint?: string; details?: Record<string, unknown> }> {
  assert.equal(res.status, status, `${res.url}: ${res.status}`);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, "string");
  return body.error;
}

const yaml = (body: string) => ({ method: "POST", headers: { "content-type": "application/yaml" }, body });

async function createSchematic(name: string): Promise<string> {
  const res = await call("/api/schematics", yaml(minimalYaml.replace("name: minimal", `name: ${name}`)));
  assert.equal(res.status, 201);
  return ((await res.json()) as { id: string }).id;
}

async function buildAndWait(id: string): Promise<string> {
  const res = await call(`/api/schematics/${id}/builds`, { method: "POST" });
  assert.equal(res.status, 202);
  const { buildId } = (await res.json()) as { buildId: string };
  await (await call(`/api/builds/${buildId}/log`)).text(); // ends with the build
  return buildId;
}

function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { headers }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

before(async () => {
  server = await startTestServer({ builder: fake.builder });
});
after(async () => {
  await server.close();
  assert.ok(statuses.length > 50);
  assert.ok(statuses.every((s) => s < 500), `a 5xx answer: ${statuses.filter((s) => s >= 500)}`);
});

describe("POST /api/schematics", () => {
  test("YAML and JSON forms of one spec give one schematic: 201 { id, spec }", async () => {
    const a = await call("/api/schematics", yaml(minimalYaml));
    assert.equal(a.status, 201);
    const body = (await a.json()) as { id: string; spec: { name: string } };
    assert.match(body.id, /^[0-9a-f]{64}$/);
    assert.equal(a.headers.get("location"), `/api/schematics/${body.id}`);
    assert.equal(body.spec.name, "minimal");
    const b = await call("/api/schematics", {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify(parse(minimalYaml)),
    });
    assert.equal(b.status, 201);
    assert.equal(((await b.json()) as { id: string }).id, body.id);
    const c = await call("/api/schematics", { method: "POST", headers: { "content-type": "text/yaml" }, body: minimalYaml });
    assert.equal(((await c.json()) as { id: string }).id, body.id);
  });

  test("bad YAML is a 400 naming line and column", async () => {
    const err = await expectError(await call("/api/schematics", yaml("name: x\narch: [x86_64\nboot: {")), 400, "spec.parse");
    assert.match(err.message, /^request body:\d+:\d+: /);
    assert.equal(typeof err.details?.["line"], "number");
    assert.equal(typeof err.details?.["col"], "number");
  });

  test("bad JSON is a 400 naming line and column", async () => {
    const err = await expectError(
      await call("/api/schematics", { method: "POST", headers: { "content-type": "application/json" }, body: '{\n  "name": "x",\n  oops\n}' }),
      400,
      "spec.parse",
    );
    assert.deepEqual([err.details?.["line"], err.details?.["col"]], [3, 3]);
  });

  test("an invalid spec is a 400 with every problem and its path", async () => {
    const err = await expectError(
      await call("/api/schematics", yaml(minimalYaml.replace("arch: x86_64", "arch: sparc").replace("drivers: [virtio]", "drivers: [virtio]\ncolour: blue"))),
      400,
      "spec.invalid",
    );
    const paths = (err.problems as { path: string }[]).map((p) => p.path);
    assert.ok(paths.includes("arch") && paths.includes("colour"), paths.join(", "));
  });

  test("empty body, a YAML list, non-UTF-8 bytes: 400", async () => {
    await expectError(await call("/api/schematics", yaml("")), 400, "spec.invalid");
    await expectError(await call("/api/schematics", yaml("- a\n- b\n")), 400, "spec.invalid");
    await expectError(
      await call("/api/schematics", { method: "POST", headers: { "content-type": "application/yaml" }, body: Buffer.from([0x6e, 0x3a, 0xff, 0xfe]) }),
      400,
      "spec.parse",
    );
  });

  test("other content types are a 415", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", ""]) {
      const headers: Record<string, string> = type ? { "content-type": type } : {};
      const err = await expectError(await call("/api/schematics", { method: "POST", headers, body: type ? minimalYaml : new Blob([minimalYaml]) }), 415, "service.unsupported-media-type");
      assert.match(err.hint ?? "", /application\/yaml/);
    }
  });

  test("a body over 1 MiB is a 413, declared or streamed", async () => {
    const big = `name: x\n# ${"x".repeat(1024 * 1024)}\n`;
    await expectError(await call("/api/schematics", yaml(big)), 413, "service.too-large");
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 40; i++) c.enqueue(new TextEncoder().encode(`# ${"y".repeat(64 * 1024)}\n`));
        c.close();
      },
    });
    await expectError(
      await call("/api/schematics", { method: "POST", headers: { "content-type": "application/yaml" }, body: stream, duplex: "half" } as RequestInit),
      413,
      "service.too-large",
    );
    // The server is still fine afterwards.
    assert.equal((await call("/api/health")).status, 200);
  });
});

describe("GET /api/schematics/:id", () => {
  test("the spec as JSON, or as YAML on Accept: application/yaml; ETag → 304", async () => {
    const id = await createSchematic("get-me");
    const json = await call(`/api/schematics/${id}`);
    assert.equal(json.status, 200);
    const spec = (await json.json()) as { name: string };
    assert.equal(spec.name, "get-me");
    assert.deepEqual(Object.keys(spec).slice(0, 2), ["name", "arch"]);
    const y = await call(`/api/schematics/${id}`, { headers: { accept: "application/yaml" } });
    assert.match(y.headers.get("content-type") ?? "", /^application\/yaml/);
    assert.deepEqual(parse(await y.text()), spec);
    const etag = json.headers.get("etag")!;
    assert.equal(etag, `"${id}"`);
    assert.equal((await call(`/api/schematics/${id}`, { headers: { "if-none-match": etag } })).status, 304);
  });

  test("unknown → 404, malformed → 400, wrong method → 405 with Allow", async () => {
    await expectError(await call(`/api/schematics/${"0".repeat(64)}`), 404, "service.not-found");
    await expectError(await call("/api/schematics/ABC"), 400, "service.bad-request");
    await expectError(await call("/api/schematics/%ZZ"), 400, "service.bad-request");
    const res = await call(`/api/schematics/${"0".repeat(64)}`, { method: "PUT" });
    assert.equal(res.headers.get("allow"), "GET, HEAD, DELETE");
    await expectError(res, 405, "service.method-not-allowed");
    await expectError(await call("/api/schematics/x/y/z"), 404, "service.not-found");
  });
});

describe("builds", () => {
  test("POST → 202 { buildId, status }; GET → status, stages, artifacts, times", async () => {
    const id = await createSchematic("build-me");
    const res = await call(`/api/schematics/${id}/builds`, { method: "POST" });
    assert.equal(res.status, 202);
    const { buildId, status } = (await res.json()) as { buildId: string; status: string };
    assert.ok(["queued", "running"].includes(status));
    await (await call(`/api/builds/${buildId}/log`)).text();
    const b = (await (await call(`/api/builds/${buildId}`)).json()) as Record<string, unknown> & { artifacts: { file: string; url: string }[] };
    assert.equal(b["status"], "succeeded");
    assert.equal(b["schematicId"], id);
    assert.equal(b["error"], null);
    assert.deepEqual((b["stages"] as { name: string }[]).map((s) => s.name), ["fake", "image"]);
    assert.deepEqual(b.artifacts.map((a) => a.file), ["cmdline", "disk.img", "initrd.img", "manifest.json", "vmlinuz"]);
    assert.equal(b.artifacts[1]?.url, `/api/builds/${buildId}/disk.img`);
    for (const k of ["createdAt", "startedAt", "finishedAt"]) assert.ok(!Number.isNaN(Date.parse(b[k] as string)), k);
    const list = (await (await call(`/api/schematics/${id}/builds`)).json()) as { builds: { id: string }[] };
    assert.deepEqual(list.builds.map((x) => x.id), [buildId]);
  });

  test("20 concurrent POSTs of one schematic get one build", async () => {
    const id = await createSchematic("flight");
    fake.hold();
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(`/api/schematics/${id}/builds`, { method: "POST" })));
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { buildId: string }).buildId));
    assert.deepEqual([...new Set(answers.map((r) => r.status))], [202]);
    assert.equal(new Set(ids).size, 1);
    fake.release();
    await (await call(`/api/builds/${ids[0]}/log`)).text();
    assert.equal(fake.jobs.filter((j) => j.spec.name === "flight").length, 1);
  });

  test("bad build requests: unknown, malformed, bad body", async () => {
    await expectError(await call(`/api/schematics/${"0".repeat(64)}/builds`, { method: "POST" }), 404, "service.not-found");
    await expectError(await call("/api/schematics/nope/builds", { method: "POST" }), 400, "service.bad-request");
    const id = await createSchematic("bad-body");
    const post = (body: string, type = "application/json") => call(`/api/schematics/${id}/builds`, { method: "POST", headers: { "content-type": type }, body });
    await expectError(await post("{"), 400, "spec.parse");
    await expectError(await post('{"lock": [{"package": 1}]}'), 400, "service.bad-request");
    await expectError(await post("lock", "text/plain"), 415, "service.unsupported-media-type");
    await expectError(await call("/api/builds/not-a-uuid"), 400, "service.bad-request");
    await expectError(await call("/api/builds/00000000-0000-4000-8000-000000000000"), 404, "service.not-found");
    await expectError(await call("/api/builds/00000000-0000-4000-8000-000000000000/log"), 404, "service.not-found");
    await expectError(await call("/api/builds/00000000-0000-4000-8000-000000000000", { method: "POST" }), 405, "service.method-not-allowed");
  });

  test("the log is SSE: every line an event with id n, replayed from the start or after Last-Event-ID, then end", async () => {
    const buildId = await buildAndWait(await createSchematic("log-me"));
    const res = await call(`/api/builds/${buildId}/log`);
    assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
    const all = await readSse(res);
    assert.deepEqual(all.ids, all.lines.map((_, i) => i));
    assert.match(all.lines[0]!, /^building log-me /);
    assert.deepEqual(all.end, { status: "succeeded", error: null });
    const rest = await readSse(await call(`/api/builds/${buildId}/log`, { headers: { "last-event-id": "3" } }));
    assert.deepEqual(rest.lines, all.lines.slice(4));
    assert.equal(rest.ids[0], 4);
    const from = await readSse(await call(`/api/builds/${buildId}/log?from=2`));
    assert.deepEqual(from.lines, all.lines.slice(2));
    await expectError(await call(`/api/builds/${buildId}/log`, { headers: { "last-event-id": "x" } }), 400, "service.bad-request");
  });

  test("a live log streams lines as they come", async () => {
    const id = await createSchematic("live-log");
    fake.hold();
    const { buildId } = (await (await call(`/api/schematics/${id}/builds`, { method: "POST" })).json()) as { buildId: string };
    const res = await call(`/api/builds/${buildId}/log`);
    const reader = res.body!.getReader();
    let seen = "";
    while (!seen.includes("fake build of live-log")) seen += new TextDecoder().decode((await reader.read()).value);
    assert.doesNotMatch(seen, /event: end/);
    fake.release();
    while (!seen.includes("event: end")) seen += new TextDecoder().decode((await reader.read()).value);
    assert.match(seen, /"status":"succeeded"/);
  });
});

describe("downloads", () => {
  let sid: string;
  let buildId: string;
  const disk = () => fakeDisk(sid);
  before(async () => {
    sid = await createSchematic("download-me");
    buildId = await buildAndWait(sid);
  });

  test("GET streams the artifact with Content-Length, type, disposition and its sha256 as ETag", async () => {
    const res = await call(`/api/builds/${buildId}/disk.img`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-length"), "65536");
    assert.equal(res.headers.get("content-type"), "application/octet-stream");
    assert.equal(res.headers.get("content-disposition"), 'attachment; filename="disk.img"');
    assert.equal(res.headers.get("accept-ranges"), "bytes");
    assert.match(res.headers.get("cache-control") ?? "", /immutable/);
    const build = (await (await call(`/api/builds/${buildId}`)).json()) as { artifacts: { file: string; sha256: string }[] };
    assert.equal(res.headers.get("etag"), `"${build.artifacts.find((a) => a.file === "disk.img")?.sha256}"`);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), disk());
    const img = await call(`/images/${sid}/disk.img`);
    assert.equal(img.headers.get("cache-control"), "no-cache");
    assert.deepEqual(Buffer.from(await img.arrayBuffer()), disk());
    assert.equal((await call(`/images/${sid}/cmdline`)).headers.get("content-type"), "text/plain; charset=utf-8");
  });

  test("HEAD has the headers and Content-Length, no body", async () => {
    const res = await call(`/images/${sid}/disk.img`, { method: "HEAD" });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-length"), "65536");
    assert.equal((await res.arrayBuffer()).byteLength, 0);
  });

  test("one Range is a 206 with Content-Range; suffix and open ranges work", async () => {
    const r = await call(`/images/${sid}/disk.img`, { headers: { range: "bytes=100-199" } });
    assert.equal(r.status, 206);
    assert.equal(r.headers.get("content-range"), "bytes 100-199/65536");
    assert.equal(r.headers.get("content-length"), "100");
    assert.deepEqual(Buffer.from(await r.arrayBuffer()), disk().subarray(100, 200));
    const tail = await call(`/api/builds/${buildId}/disk.img`, { headers: { range: "bytes=-10" } });
    assert.equal(tail.headers.get("content-range"), "bytes 65526-65535/65536");
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), disk().subarray(65526));
    const open = await call(`/api/builds/${buildId}/disk.img`, { headers: { range: "bytes=65000-" } });
    assert.equal(open.headers.get("content-length"), "536");
  });

  test("an unsatisfiable or malformed bytes range is a 416 with Content-Range: bytes */size", async () => {
    for (const range of ["bytes=65536-", "bytes=70000-70010", "bytes=abc", "bytes=5-1"]) {
      const res = await call(`/images/${sid}/disk.img`, { headers: { range } });
      assert.equal(res.headers.get("content-range"), "bytes */65536", range);
      await expectError(res, 416, "service.range-not-satisfiable");
    }
  });

  test("several ranges, another unit, or a stale If-Range get the whole file", async () => {
    for (const headers of [{ range: "bytes=0-1,5-6" }, { range: "items=0-1" }, { range: "bytes=0-1", "if-range": '"other"' }]) {
      const res = await call(`/images/${sid}/disk.img`, { headers });
      assert.equal(res.status, 200);
      assert.equal((await res.arrayBuffer()).byteLength, 65536);
    }
  });

  test("If-None-Match with the ETag is a 304", async () => {
    const etag = (await call(`/images/${sid}/disk.img`, { method: "HEAD" })).headers.get("etag")!;
    const res = await call(`/images/${sid}/disk.img`, { headers: { "if-none-match": `W/"x", ${etag}` } });
    assert.equal(res.status, 304);
    assert.equal(res.headers.get("etag"), etag);
  });

  test("unknown files, schematics without builds, bad names: 404 / 400", async () => {
    await expectError(await call(`/images/${sid}/nope.img`), 404, "service.not-found");
    await expectError(await call(`/api/builds/${buildId}/nope.img`), 404, "service.not-found");
    await expectError(await call(`/images/${sid}/..%2Fpglite`), 400, "service.bad-request");
    await expectError(await call(`/images/${"0".repeat(64)}/disk.img`), 404, "service.not-found");
    await expectError(await call(`/images/${await createSchematic("never-built")}/disk.img`), 404, "service.not-found");
    await expectError(await call("/images/xyz/disk.img"), 400, "service.bad-request");
  });
});

describe("GET /pxe/:id/boot.ipxe", () => {
  test("boots the latest good build with absolute URLs from the Host header", async () => {
    const sid = await createSchematic("pxe-ready");
    const buildId = await buildAndWait(sid);
    const { status, body } = await rawGet(`/pxe/${sid}/boot.ipxe`, { host: "10.0.2.2:8080" });
    assert.equal(status, 200);
    const lines = body.trim().split("\n");
    assert.equal(lines[0], "#!ipxe");
    assert.ok(lines.some((l) => l.includes(buildId)));
    // The build's own URLs: a rebuild finishing mid-boot can't mix two builds' files.
    assert.ok(lines.includes(`kernel http://10.0.2.2:8080/api/builds/${buildId}/vmlinuz initrd=initrd.img console=ttyS0 quiet`), body);
    assert.ok(lines.includes(`initrd http://10.0.2.2:8080/api/builds/${buildId}/initrd.img`), body);
    assert.equal(lines.at(-1), "boot");
  });

  test("without a good build it starts one and answers a script that waits and asks again", async () => {
    const sid = await createSchematic("pxe-wait");
    fake.hold();
    const { status, body } = await rawGet(`/pxe/${sid}/boot.ipxe`, { host: "example.test" });
    assert.equal(status, 200);
    assert.match(body, /^#!ipxe\n/);
    assert.match(body, /\nsleep 10\n/);
    assert.match(body, new RegExp(`\\nchain http://example\\.test/pxe/${sid}/boot\\.ipxe\\n$`));
    const { builds } = (await (await call(`/api/schematics/${sid}/builds`)).json()) as { builds: { id: string; status: string }[] };
    assert.equal(builds.length, 1);
    const again = await rawGet(`/pxe/${sid}/boot.ipxe`, { host: "example.test" });
    assert.ok(again.body.includes(builds[0]!.id), "a second request joins the same build");
    fake.release();
    await (await call(`/api/builds/${builds[0]!.id}/log`)).text();
    assert.match((await rawGet(`/pxe/${sid}/boot.ipxe`, { host: "example.test" })).body, /\nboot\n$/);
  });

  test("after a failed build it says why instead of rebuilding in a loop", async () => {
    const sid = await createSchematic("pxe-failed");
    fake.failNext(new Error("boom"));
    await buildAndWait(sid);
    const { body } = await rawGet(`/pxe/${sid}/boot.ipxe`, { host: "h" });
    assert.match(body, /the last build of this schematic failed\necho schematic [0-9a-f]{64}\necho error internal, see \/api\/builds\/[0-9a-f-]{36}\n/);
    assert.match(body, /\nexit 1\n$/);
  });

  test("unknown → 404, malformed → 400, a bad Host header → 400", async () => {
    await expectError(await call(`/pxe/${"0".repeat(64)}/boot.ipxe`), 404, "service.not-found");
    await expectError(await call("/pxe/zzz/boot.ipxe"), 400, "service.bad-request");
    const sid = await createSchematic("pxe-host");
    for (const host of ["evil host", "x/y", "a;echo"]) {
      const res = await rawGet(`/pxe/${sid}/boot.ipxe`, { host });
      assert.equal(res.status, 400, host);
      assert.match(res.body, /"code":"service.bad-request"/);
    }
  });
});

test("other paths go to the UI, which answers 503 with how to build it when it is not built", async () => {
  const res = await fetch(`${server.url}/`); // the one 5xx on purpose, so not through call()
  assert.equal(res.status, 503);
  assert.match(await res.text(), /npx next build web/);
  assert.equal((await call("/api/health")).status, 200);
});
