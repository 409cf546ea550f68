// The real server (`node web/server/main.ts`) and the real builder, killed with SIGKILL mid-build
// and mid-upload: after a restart nothing partial is served, no builder process outlived the
// server, every stored blob is whole, and the next build works and downloads intact.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { after, test } from "node:test";
import sharp from "sharp";
import { repo, userDir } from "../../composer/e2e/helpers.ts";
import { processTree } from "../lib/builds/process-tree.ts";
import { type ServerProcess, spawnServer } from "./server-process.ts";

const dataDir = join(userDir("brokkr-crash-"), "data");
const home = userDir("brokkr-crash-home-");
let server: ServerProcess | undefined;

after(() => {
  const pid = server?.child.pid;
  if (pid !== undefined && server?.child.exitCode === null) for (const p of processTree(pid).reverse()) process.kill(p, "SIGKILL");
});

async function startServer(): Promise<ServerProcess> {
  server = await spawnServer({ dataDir, home });
  return server;
}

/** SIGKILL, then wait until every process the server had started is gone too. */
async function killServer(s: ServerProcess): Promise<number[]> {
  const tree = processTree(s.child.pid!);
  const exited = new Promise((r) => s.child.once("exit", r));
  process.kill(s.child.pid!, "SIGKILL");
  await exited;
  const deadline = Date.now() + 20_000;
  let alive = tree;
  while (Date.now() < deadline) {
    alive = tree.filter((pid) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "latin1").includes(") Z "));
    if (alive.length === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return alive;
}

const json = async <T>(res: Response) => (await res.json()) as T;

async function createSchematic(url: string): Promise<string> {
  const body = readFileSync(join(repo, "examples/minimal.yaml"), "utf8");
  const res = await fetch(`${url}/api/schematics`, { method: "POST", headers: { "content-type": "application/yaml" }, body });
  assert.equal(res.status, 201);
  return (await json<{ id: string }>(res)).id;
}

/** Every blob in the store is named by the sha256 of its bytes: nothing half-written. */
function assertStoreWhole(): void {
  const root = join(dataDir, "store");
  const walk = (dir: string): string[] =>
    existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)])) : [];
  for (const file of walk(root)) {
    const name = file.split("/").at(-1)!;
    assert.match(name, /^[0-9a-f]{64}$/, `a stray file in the store: ${file}`);
    assert.equal(createHash("sha256").update(readFileSync(file)).digest("hex"), name, `a partial blob: ${file}`);
  }
}

test("SIGKILL mid-build and mid-upload: nothing partial, no orphan builder, the next build works", { timeout: 900_000 }, async () => {
  let s = await startServer();
  const id = await createSchematic(s.url);
  const { buildId } = await json<{ buildId: string }>(await fetch(`${s.url}/api/schematics/${id}/builds`, { method: "POST" }));
  // Kill once the builder child is at work (it has started fetching).
  const deadline = Date.now() + 120_000;
  for (;;) {
    const b = await json<{ status: string; stages: { name: string }[] }>(await fetch(`${s.url}/api/builds/${buildId}`));
    if (b.status === "running" && b.stages.length > 0 && processTree(s.child.pid!).length > 1) break;
    assert.ok(Date.now() < deadline, `the build did not start: ${JSON.stringify(b)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const orphans = await killServer(s);
  assert.deepEqual(orphans, [], "no builder process outlives its server");

  s = await startServer();
  const cut = await json<{ status: string; error: { code: string } }>(await fetch(`${s.url}/api/builds/${buildId}`));
  assert.equal(cut.status, "failed");
  assert.equal(cut.error.code, "build.interrupted");
  for (const path of [`/api/builds/${buildId}/disk.img`, `/images/${id}/disk.img`]) {
    const res = await fetch(`${s.url}${path}`);
    assert.equal(res.status, 404, path);
    await res.body?.cancel();
  }
  assert.deepEqual(readdirSync(join(dataDir, "staging")), []);

  // An upload cut off halfway: the server dies with half the body read.
  // Noise does not compress: a PNG of a few MB, so half of it is still in flight.
  const png = await sharp(randomBytes(1000 * 600 * 3), { raw: { width: 1000, height: 600, channels: 3 } }).png().toBuffer();
  await new Promise<void>((resolve) => {
    const req = request(`${s.url}/api/assets`, { method: "POST", headers: { "content-type": "image/png", "content-length": png.length } });
    req.on("error", () => resolve());
    req.write(png.subarray(0, png.length >> 1), () => {
      setTimeout(() => {
        void killServer(s).then((left) => {
          assert.deepEqual(left, []);
          resolve();
        });
      }, 200);
    });
  });
  s = await startServer();
  const sha = createHash("sha256").update(png).digest("hex");
  assert.equal((await fetch(`${s.url}/api/assets/${sha}`)).status, 404);
  assertStoreWhole();

  // The next build runs to the end, and its download is whole.
  const again = await json<{ buildId: string }>(await fetch(`${s.url}/api/schematics/${id}/builds`, { method: "POST" }));
  assert.notEqual(again.buildId, buildId);
  await (await fetch(`${s.url}/api/builds/${again.buildId}/log`)).text();
  const done = await json<{ status: string; artifacts: { file: string; sha256: string }[]; error: unknown }>(await fetch(`${s.url}/api/builds/${again.buildId}`));
  assert.equal(done.status, "succeeded", `${JSON.stringify(done.error)}\n${s.output().slice(-3000)}`);
  const disk = done.artifacts.find((a) => a.file === "disk.img")!;
  const bytes = Buffer.from(await (await fetch(`${s.url}/images/${id}/disk.img`)).arrayBuffer());
  assert.equal(createHash("sha256").update(bytes).digest("hex"), disk.sha256);
  assertStoreWhole();
  const exited = new Promise((r) => s.child.once("exit", r));
  process.kill(s.child.pid!, "SIGTERM");
  await exited;
  server = undefined;
});
