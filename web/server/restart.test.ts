// A server that dies mid-build leaves a "running" row and a staging dir. The next start must
// mark the build failed, remove the staging dir, and never serve anything of it.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { getSettings } from "@brokkr/composer";
import { createFakeBuilder } from "../lib/builds/fake-builder.ts";
import { openDatabase } from "../lib/db/client.ts";
import * as repo from "../lib/db/repo.ts";
import { readSse, startTestServer } from "./test-server.ts";

const minimalYaml = readFileSync(join(getSettings().root, "examples/minimal.yaml"), "utf8");
const orphan = "11111111-2222-4333-8444-555555555555";

test("after a restart an interrupted build is failed, its staging dir gone, nothing of it downloadable", async () => {
  const fake = createFakeBuilder();
  const first = await startTestServer({ builder: fake.builder, keep: true });
  const dataDir = first.dataDir;
  const post = async (url: string, name: string) => {
    const res = await fetch(`${url}/api/schematics`, {
      method: "POST",
      headers: { "content-type": "application/yaml" },
      body: minimalYaml.replace("name: minimal", `name: ${name}`),
    });
    return ((await res.json()) as { id: string }).id;
  };
  const good = await post(first.url, "kept");
  const { buildId: goodBuild } = (await (await fetch(`${first.url}/api/schematics/${good}/builds`, { method: "POST" })).json()) as { buildId: string };
  await (await fetch(`${first.url}/api/builds/${goodBuild}/log`)).text();
  const cut = await post(first.url, "cut-short");
  await first.close();

  // What a crash mid-build leaves behind: the row says running, a log line, an artifact row
  // that was about to be written, and a half-written file in staging.
  const database = await openDatabase({ dataDir: join(dataDir, "pglite") });
  await repo.insertBuild(database.db, { id: orphan, schematicId: cut, lockKey: "", lock: null, createdAt: new Date() });
  await repo.markRunning(database.db, orphan, new Date());
  await repo.appendLog(database.db, orphan, [{ n: 0, text: "building cut-short" }]);
  await database.close();
  const staging = join(dataDir, "staging", orphan);
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, "disk.img"), "half an image");

  const second = await startTestServer({ builder: fake.builder, dataDir });
  try {
    assert.equal(existsSync(staging), false);
    assert.deepEqual(readdirSync(join(dataDir, "staging")), []);
    const b = (await (await fetch(`${second.url}/api/builds/${orphan}`)).json()) as { status: string; error: { code: string; message: string }; finishedAt: string };
    assert.equal(b.status, "failed");
    assert.deepEqual(b.error, { code: "build.interrupted", message: "interrupted by a server restart", hint: "start the build again" });
    assert.ok(b.finishedAt);
    for (const path of [`/api/builds/${orphan}/disk.img`, `/images/${cut}/disk.img`]) {
      const res = await fetch(`${second.url}${path}`);
      assert.equal(res.status, 404, path);
      await res.body?.cancel();
    }
    const log = await readSse(await fetch(`${second.url}/api/builds/${orphan}/log`));
    assert.deepEqual(log.lines, ["building cut-short", "error[build.interrupted]: interrupted by a server restart"]);
    assert.equal((log.end as { status: string }).status, "failed");

    // What finished before the restart is still there.
    const kept = await fetch(`${second.url}/images/${good}/disk.img`);
    assert.equal(kept.status, 200);
    assert.equal((await kept.arrayBuffer()).byteLength, 65536);

    // PXE starts the interrupted schematic again instead of reporting a failure.
    const script = await (await fetch(`${second.url}/pxe/${cut}/boot.ipxe`)).text();
    assert.match(script, /is being built/);
  } finally {
    await second.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
