// The child-process builder's protocol: events and a BrokkrError come back over IPC, and an
// abort kills the child. A mirror that refuses connections makes the build fail fast.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { BuildEvent } from "@brokkr/composer";
import { loadCatalog } from "@brokkr/composer";
import { getSettings } from "@brokkr/composer";
import { checkSpecText, schematicId } from "@brokkr/composer";
import { childProcessBuilder } from "./child-builder.ts";

test("a failing build comes back as its BrokkrError, after its progress events", async () => {
  const catalog = await loadCatalog();
  const spec = checkSpecText(readFileSync(join(getSettings().root, "examples/minimal.yaml"), "utf8"), "minimal.yaml", catalog);
  const saved = getSettings().mirror; // the child reads the environment, so the test sets that
  process.env["BROKKR_MIRROR"] = "http://127.0.0.1:1/debian";
  process.env["BROKKR_CACHE_DIR"] ??= mkdtempSync(join(tmpdir(), "brokkr-cache-"));
  const events: BuildEvent[] = [];
  try {
    const outDir = mkdtempSync(join(tmpdir(), "brokkr-child-"));
    const job = { buildId: "x", schematicId: schematicId(spec), spec, lock: undefined, outDir };
    await assert.rejects(childProcessBuilder(job, (e) => events.push(e), new AbortController().signal), (err: Error & { code: string }) => {
      assert.equal(err.name, "BrokkrError");
      assert.match(err.code, /^feed\./);
      return true;
    });
    assert.deepEqual(events[0], { kind: "stage", stage: "feed" });
  } finally {
    if (saved === undefined) delete process.env["BROKKR_MIRROR"];
    else process.env["BROKKR_MIRROR"] = saved;
  }
});

test("an aborted build kills the child and says so", async () => {
  const controller = new AbortController();
  const outDir = mkdtempSync(join(tmpdir(), "brokkr-child-"));
  // The child waits for its job; abort before it could finish anything.
  const job = { buildId: "y", schematicId: "0".repeat(64), spec: {} as never, lock: undefined, outDir };
  const run = childProcessBuilder(job, () => {}, controller.signal);
  controller.abort();
  await assert.rejects(run, { code: "build.crashed", message: /killed by SIGKILL/ });
  await assert.rejects(childProcessBuilder(job, () => {}, controller.signal), { code: "build.interrupted" });
});
