import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { BrokkrError } from "../../errors.ts";
import { fetchAll, fetchBytes, mapLimit } from "./http.ts";

// path → list of answers, used in order; the last one repeats.
type Answer = { status: number; body?: string; hang?: boolean; lie?: number };
const routes = new Map<string, Answer[]>();
const hits = new Map<string, number>();
let base = "";
let inFlight = 0;
let maxInFlight = 0;

const server = createServer((req, res) => {
  const path = req.url ?? "/";
  const n = hits.get(path) ?? 0;
  hits.set(path, n + 1);
  const list = routes.get(path) ?? [{ status: 404 }];
  const a = list[Math.min(n, list.length - 1)]!;
  if (a.hang) return; // never answers: the client must time out
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  setTimeout(() => {
    inFlight--;
    const body = Buffer.from(a.body ?? "");
    if (a.lie !== undefined) {
      // Promise more bytes than sent, then cut the connection: a transfer broken mid-way.
      res.writeHead(a.status, { "content-length": a.lie });
      res.write(body);
      res.destroy();
      return;
    }
    res.writeHead(a.status, { "content-length": body.length }).end(body);
  }, 5);
});
before(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const fast = { retryDelayMs: 1 };
const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const isCode = (code: string) => (e: unknown) => e instanceof BrokkrError && e.code === code;

test("503 twice then 200: succeeds after retries", async () => {
  routes.set("/flaky", [{ status: 503 }, { status: 503 }, { status: 200, body: "ok" }]);
  const data = await fetchBytes(`${base}/flaky`, { ...fast, expectedSha256: sha("ok"), expectedSize: 2 });
  assert.equal(data.toString(), "ok");
  assert.equal(hits.get("/flaky"), 3);
});

test("404 is not retried and gives feed.http naming the URL", async () => {
  routes.set("/gone", [{ status: 404 }]);
  await assert.rejects(
    fetchBytes(`${base}/gone`, fast),
    (e: unknown) => isCode("feed.http")(e) && (e as Error).message.includes("/gone"),
  );
  assert.equal(hits.get("/gone"), 1);
});

test("5xx until retries run out gives feed.http", async () => {
  routes.set("/down", [{ status: 500 }]);
  await assert.rejects(fetchBytes(`${base}/down`, { ...fast, retries: 2 }), isCode("feed.http"));
  assert.equal(hits.get("/down"), 3);
});

test("a connection cut mid-body is retried", async () => {
  routes.set("/cut", [
    { status: 200, body: "par", lie: 10 },
    { status: 200, body: "full body!" },
  ]);
  const data = await fetchBytes(`${base}/cut`, fast);
  assert.equal(data.toString(), "full body!");
  assert.equal(hits.get("/cut"), 2);
});

test("a server that never answers times out and is retried", async () => {
  routes.set("/hang", [{ status: 200, hang: true }]);
  await assert.rejects(
    fetchBytes(`${base}/hang`, { ...fast, retries: 1, timeoutMs: 100 }),
    isCode("feed.http"),
  );
  assert.equal(hits.get("/hang"), 2);
});

test("hash mismatch → feed.checksum-mismatch naming URL, expected and got; not retried", async () => {
  routes.set("/bad", [{ status: 200, body: "evil" }]);
  const want = sha("good");
  await assert.rejects(fetchBytes(`${base}/bad`, { ...fast, expectedSha256: want }), (e: unknown) => {
    assert.ok(isCode("feed.checksum-mismatch")(e));
    const m = (e as Error).message;
    assert.ok(m.includes(`${base}/bad`) && m.includes(want) && m.includes(sha("evil")), m);
    return true;
  });
  assert.equal(hits.get("/bad"), 1);
});

test("size mismatch, short and long", async () => {
  routes.set("/short", [{ status: 200, body: "abc" }]);
  await assert.rejects(fetchBytes(`${base}/short`, { ...fast, expectedSize: 4 }), /expected 4, got 3/);
  routes.set("/long", [{ status: 200, body: "abcdef" }]);
  await assert.rejects(
    fetchBytes(`${base}/long`, { ...fast, expectedSize: 4 }),
    isCode("feed.checksum-mismatch"),
  );
});

test("fetchAll keeps order, respects the concurrency limit and reports progress", async () => {
  for (let i = 0; i < 12; i++) routes.set(`/f${i}`, [{ status: 200, body: `body${i}` }]);
  maxInFlight = 0;
  const progress: number[] = [];
  const items = Array.from({ length: 12 }, (_, i) => ({ url: `${base}/f${i}` }));
  const out = await fetchAll(items, 3, (done, total) => {
    assert.equal(total, 12);
    progress.push(done);
  });
  assert.deepEqual(
    out.map((b) => b.toString()),
    items.map((_, i) => `body${i}`),
  );
  assert.ok(maxInFlight <= 3 && maxInFlight >= 2, `max in flight ${maxInFlight}`);
  assert.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
});

test("mapLimit stops starting work after a failure and throws the first error", async () => {
  const started: number[] = [];
  await assert.rejects(
    mapLimit([0, 1, 2, 3, 4, 5, 6, 7], 2, async (i) => {
      started.push(i);
      await new Promise((r) => setTimeout(r, 5));
      if (i === 1) throw new Error("boom 1");
      return i;
    }),
    /boom 1/,
  );
  assert.ok(started.length < 8, `started ${started.join(",")}`);
});
