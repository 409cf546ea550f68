import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { test } from "node:test";
import { createOpsLog } from "./ops-log.ts";

const req = (url: string) => ({ method: "POST", url, headers: { authorization: "Bearer brokkr_secret" } }) as unknown as IncomingMessage;

test("build changes and failed requests are JSON lines without query strings or credentials", () => {
  const lines: string[] = [];
  const log = createOpsLog((l) => lines.push(l));
  log.build({ id: "b1", schematicId: "s1", status: "failed", error: { code: "feed.http", message: "x" } });
  log.failedRequest(req("/api/schematics?token=brokkr_secret"), 401, "service.unauthorized", "ip:127.0.0.1");
  log.close();
  const [build, failed] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual({ ...build, time: undefined }, { time: undefined, event: "build", build: "b1", schematic: "s1", status: "failed", code: "feed.http" });
  assert.equal(failed?.["path"], "/api/schematics");
  assert.equal(failed?.["status"], 401);
  assert.doesNotMatch(lines.join("\n"), /brokkr_secret/);
});

test("a flood of failures is cut to the per-second budget and the rest are counted", async () => {
  const lines: string[] = [];
  const log = createOpsLog((l) => lines.push(l), 5);
  for (let i = 0; i < 50; i++) log.failedRequest(req("/x"), 404, "service.not-found", "ip:10.0.0.1");
  assert.equal(lines.length, 5);
  await new Promise((r) => setTimeout(r, 1100));
  log.close();
  const summary = JSON.parse(lines.at(-1)!) as { event: string; count: number };
  assert.deepEqual([summary.event, summary.count], ["requests.suppressed", 45]);
});
