// With tokens configured, an anonymous PXE request serves existing good builds only and starts
// none; a request with a live token may start one.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { getSettings } from "@brokkr/composer";
import { runTokenCommand } from "../lib/auth/token-command.ts";
import { createFakeBuilder } from "../lib/builds/fake-builder.ts";
import { startTestServer } from "./test-server.ts";

const minimalYaml = readFileSync(join(getSettings().root, "examples/minimal.yaml"), "utf8");

test("anonymous PXE starts no build once tokens exist; a token's PXE request does, and anyone boots a good build", async () => {
  const server = await startTestServer({ builder: createFakeBuilder().builder });
  try {
    let secret = "";
    assert.equal(await runTokenCommand(["create", "pxe"], { dataDir: server.dataDir, databaseUrl: undefined }, (s) => (secret += s), () => {}), 0);
    const auth = { authorization: `Bearer ${secret.trim()}` };
    const created = await fetch(`${server.url}/api/schematics`, { method: "POST", headers: { "content-type": "application/yaml", ...auth }, body: minimalYaml });
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    const builds = async () => ((await (await fetch(`${server.url}/api/schematics/${id}/builds`)).json()) as { builds: { id: string }[] }).builds;

    const anonymous = await (await fetch(`${server.url}/pxe/${id}/boot.ipxe`, { headers: { host: "h" } })).text();
    assert.match(anonymous, /has no image yet\n.*\n.*needs a token to start builds\)\nexit 1\n$/);
    assert.deepEqual(await builds(), [], "no build was started");

    const withToken = await (await fetch(`${server.url}/pxe/${id}/boot.ipxe`, { headers: { host: "h", ...auth } })).text();
    assert.match(withToken, /is being built/);
    const [b] = await builds();
    await (await fetch(`${server.url}/api/builds/${b!.id}/log`)).text();
    const boot = await (await fetch(`${server.url}/pxe/${id}/boot.ipxe`, { headers: { host: "h" } })).text();
    assert.match(boot, new RegExp(`kernel http://[^/ ]+/api/builds/${b!.id}/vmlinuz`), "a good build boots without a token");
  } finally {
    await server.close();
  }
});
