// A build past its wall time or its memory is killed, whole tree, and fails with that reason.
// The mirror is a local server that never answers, so the build would otherwise wait forever.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadCatalog } from "@brokkr/composer";
import { getSettings } from "@brokkr/composer";
import { checkSpecText, schematicId } from "@brokkr/composer";
import type { BuildLimits } from "./builder.ts";
import { childProcessBuilder } from "./child-builder.ts";

let mirror: Server;
// The child reads the environment, so the test sets that (and puts back what the settings had).
const saved = { mirror: getSettings().mirror, cache: getSettings().cacheDir };

before(async () => {
  mirror = createServer(() => {}); // accepts, never answers
  await new Promise<void>((r) => mirror.listen(0, "127.0.0.1", r));
  process.env["BROKKR_MIRROR"] = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/debian`;
  process.env["BROKKR_CACHE_DIR"] = mkdtempSync(join(tmpdir(), "brokkr-cache-"));
});
after(async () => {
  mirror.closeAllConnections();
  await new Promise((r) => mirror.close(r));
  if (saved.mirror === undefined) delete process.env["BROKKR_MIRROR"];
  else process.env["BROKKR_MIRROR"] = saved.mirror;
  process.env["BROKKR_CACHE_DIR"] = saved.cache;
});

async function runWith(limits: BuildLimits): Promise<unknown> {
  const catalog = await loadCatalog(getSettings().root);
  const spec = checkSpecText(readFileSync(join(getSettings().root, "examples/minimal.yaml"), "utf8"), "minimal.yaml", catalog);
  const outDir = mkdtempSync(join(tmpdir(), "brokkr-limits-"));
  const job = { buildId: "l", schematicId: schematicId(spec), spec, lock: undefined, outDir, limits };
  return childProcessBuilder(job, () => {}, new AbortController().signal).then(
    () => assert.fail("the build should have been stopped"),
    (err: unknown) => err,
  );
}

const roomy = { seconds: 600, memoryBytes: 8 * 1024 ** 3, packages: 5000, installedBytes: 1e12 };

test("past its wall time the build is killed: build.time-limit", async () => {
  const err = (await runWith({ ...roomy, seconds: 2 })) as { code: string; message: string };
  assert.equal(err.code, "build.time-limit");
  assert.match(err.message, /longer than 2 s/);
});

test("past its memory (the whole process tree's RSS) the build is killed: build.memory-limit", async () => {
  // A Node process alone is past 30 MiB, so the first poll catches it.
  const err = (await runWith({ ...roomy, memoryBytes: 30 * 1024 * 1024 })) as { code: string; message: string };
  assert.equal(err.code, "build.memory-limit");
  assert.match(err.message, /the limit is 30 MiB/);
});
