// POST /api/gc on the real server (a write: the access layer asks for a token once one exists),
// and `brokkr gc --dry-run` against a stopped server's data dir.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { test } from "node:test";
import { getSettings } from "@brokkr/composer";
import { createFakeBuilder } from "../lib/builds/fake-builder.ts";
import { startTestServer } from "./test-server.ts";

test("POST /api/gc answers a report; ?dryRun=1 removes nothing", async () => {
  const server = await startTestServer({ builder: createFakeBuilder().builder });
  try {
    const res = await fetch(`${server.url}/api/gc?dryRun=1&verify=1`, { method: "POST" });
    assert.equal(res.status, 200);
    const { report } = (await res.json()) as { report: { dryRun: boolean; corrupt: string[]; builds: number } };
    assert.equal(report.dryRun, true);
    assert.deepEqual(report.corrupt, []);
    assert.equal((await fetch(`${server.url}/api/gc`)).status, 405);
  } finally {
    await server.close();
  }
});

test("brokkr gc --dry-run works on a stopped server's data dir and says what it would do", async () => {
  const server = await startTestServer({ builder: createFakeBuilder().builder, keep: true });
  await server.close();
  const { stdout } = await promisify(execFile)(process.execPath, [join(getSettings().root, "composer/src/cli.ts"), "gc", "--dry-run"], {
    env: { ...process.env, BROKKR_DATA_DIR: server.dataDir, BROKKR_CACHE_DIR: join(server.dataDir, "cache") },
  });
  assert.match(stdout, /^gc \(dry run: nothing removed\): 0 builds, 0 served/);
});
