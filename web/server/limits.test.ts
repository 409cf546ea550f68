// Queue, rate and stream limits answer 429 with Retry-After; cancel stops a queued or running
// build and keeps nothing of it; builds a person asked for run before PXE-started ones.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, test } from "node:test";
import { getSettings } from "@brokkr/composer";
import { createFakeBuilder } from "../lib/builds/fake-builder.ts";
import type { ServiceLimits } from "../lib/service/limits.ts";
import { startTestServer } from "./test-server.ts";

const minimalYaml = readFileSync(join(getSettings().root, "examples/minimal.yaml"), "utf8");
let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
let fake: ReturnType<typeof createFakeBuilder>;

afterEach(async () => {
  fake?.release();
  await server?.close();
  server = undefined;
});

async function start(limits: Partial<ServiceLimits>, concurrency = 1) {
  fake = createFakeBuilder();
  server = await startTestServer({ builder: fake.builder, limits, concurrency });
  return server;
}

const call = (path: string, init: RequestInit = {}) => fetch(`${server!.url}${path}`, init);

async function schematic(name: string): Promise<string> {
  const res = await call("/api/schematics", { method: "POST", headers: { "content-type": "application/yaml" }, body: minimalYaml.replace("name: minimal", `name: ${name}`) });
  assert.equal(res.status, 201);
  return ((await res.json()) as { id: string }).id;
}

const startBuild = async (id: string) => call(`/api/schematics/${id}/builds`, { method: "POST" });
const buildOf = async (res: Response) => ((await res.json()) as { buildId: string }).buildId;
const waitEnd = async (buildId: string) => (await call(`/api/builds/${buildId}/log`)).text();
const statusOf = async (buildId: string) => ((await (await call(`/api/builds/${buildId}`)).json()) as { status: string; artifacts: unknown[] });

test("a client past its queue share gets 429 with Retry-After; joining a running build is free", async () => {
  await start({ queuePerClient: 2 });
  fake.hold();
  const ids = [await schematic("q1"), await schematic("q2"), await schematic("q3")];
  assert.equal((await startBuild(ids[0]!)).status, 202);
  assert.equal((await startBuild(ids[1]!)).status, 202);
  assert.equal((await startBuild(ids[0]!)).status, 202, "the same schematic joins its build");
  const third = await startBuild(ids[2]!);
  assert.equal(third.status, 429);
  assert.ok(Number(third.headers.get("retry-after")) > 0);
  assert.equal(((await third.json()) as { error: { code: string } }).error.code, "service.queue-full");
});

test("the whole queue has a bound too", async () => {
  await start({ queueTotal: 1 });
  fake.hold();
  assert.equal((await startBuild(await schematic("t1"))).status, 202);
  assert.equal((await startBuild(await schematic("t2"))).status, 429);
});

test("writes past the per-minute rate get 429, reads still work", async () => {
  await start({ writesPerMinute: 3 });
  const id = await schematic("r1");
  await schematic("r2");
  await schematic("r3");
  const fourth = await call("/api/schematics", { method: "POST", headers: { "content-type": "application/yaml" }, body: minimalYaml });
  assert.equal(fourth.status, 429);
  assert.equal(((await fourth.json()) as { error: { code: string } }).error.code, "service.rate-limited");
  assert.equal((await call(`/api/schematics/${id}`)).status, 200);
});

test("cancel: a running build is stopped, a queued one never starts, neither keeps artifacts; a finished one is 409", async () => {
  await start({});
  fake.hold();
  const running = await buildOf(await startBuild(await schematic("c1")));
  const queued = await buildOf(await startBuild(await schematic("c2")));
  const c1 = await call(`/api/builds/${queued}/cancel`, { method: "POST" });
  assert.equal(c1.status, 200);
  assert.equal((await statusOf(queued)).status, "cancelled");
  const c2 = await call(`/api/builds/${running}/cancel`, { method: "POST" });
  assert.equal(c2.status, 200);
  const after = await statusOf(running);
  assert.equal(after.status, "cancelled");
  assert.deepEqual(after.artifacts, []);
  assert.equal((await call(`/api/builds/${running}/disk.img`)).status, 404);
  assert.equal(fake.jobs.length, 1, "the queued build never reached the builder");
  assert.equal((await call(`/api/builds/${running}/cancel`, { method: "POST" })).status, 409);
  assert.equal((await call(`/api/builds/${"0".repeat(8)}-0000-0000-0000-${"0".repeat(12)}/cancel`, { method: "POST" })).status, 404);
});

test("a build a person asked for runs before one a PXE request started", async () => {
  await start({});
  fake.hold();
  const first = await buildOf(await startBuild(await schematic("p0")));
  const pxeSid = await schematic("p1");
  assert.equal((await call(`/pxe/${pxeSid}/boot.ipxe`, { headers: { host: "h" } })).status, 200);
  const person = await buildOf(await startBuild(await schematic("p2")));
  fake.release();
  await waitEnd(first);
  await waitEnd(person);
  const { builds } = (await (await call(`/api/schematics/${pxeSid}/builds`)).json()) as { builds: { id: string }[] };
  await waitEnd(builds[0]!.id);
  assert.deepEqual(fake.jobs.map((j) => j.spec.name), ["p0", "p2", "p1"]);
});

test("log streams per client are bounded", async () => {
  await start({ streamsPerClient: 2 });
  fake.hold();
  const id = await buildOf(await startBuild(await schematic("s1")));
  const controllers = [new AbortController(), new AbortController()];
  const open = await Promise.all(controllers.map((c) => call(`/api/builds/${id}/log`, { signal: c.signal })));
  for (const r of open) assert.equal(r.status, 200);
  const third = await call(`/api/builds/${id}/log`);
  assert.equal(third.status, 429);
  for (const c of controllers) c.abort();
});

test("a client asking for unknown ids past its miss budget gets 429 before any lookup", async () => {
  await start({ missesPerMinute: 3 });
  const unknown = `/api/schematics/${"e".repeat(64)}`;
  for (let i = 0; i < 4; i++) assert.equal((await call(unknown)).status, 404);
  const over = await call(unknown);
  assert.equal(over.status, 429);
  assert.ok(Number(over.headers.get("retry-after")) > 0);
});
