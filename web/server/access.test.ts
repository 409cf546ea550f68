// Access control against the real server (fake builder), in the hostile suite's style: each case
// is a finding of the "Safe to expose" review (issue 8, item 6 and "Browser") that failed on
// commit 6ed9ae3. Tokens are made the way an operator makes them: through `brokkr token`.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, test } from "node:test";
import { getSettings } from "@brokkr/composer";
import { remoteBuild } from "@brokkr/composer";
import { runTokenCommand } from "../lib/auth/token-command.ts";
import { createFakeBuilder } from "../lib/builds/fake-builder.ts";
import { startPostgres } from "../lib/db/test-postgres.ts";
import { isLoopback } from "./access-api.ts";
import { readSse, startTestServer } from "./test-server.ts";

const minimalFile = join(getSettings().root, "examples/minimal.yaml");
const minimalYaml = readFileSync(minimalFile, "utf8");
const hash = "$y$j9T$abcdefghijklmnopqrstu.$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno1";
const rootHash = "$6$saltsalt$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ./0123456789abcdefghi";

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** `brokkr token …` in this process, against the server's data dir (or its PostgreSQL). */
async function token(server: { dataDir: string }, args: string[], databaseUrl?: string): Promise<string> {
  let out = "";
  const code = await runTokenCommand(args, { dataDir: server.dataDir, databaseUrl }, (s) => (out += s), () => {});
  assert.equal(code, 0);
  return out.trim();
}

function specYaml(name: string, extra = ""): string {
  return `${minimalYaml.replace("name: minimal", `name: ${name}`)}${extra}`;
}

async function send(server: Server, path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  const res = await fetch(`${server.url}${path}`, { ...init, headers });
  assert.ok(res.status < 500, `${init.method ?? "GET"} ${path}: ${res.status}`);
  return res;
}

const postSpec = (server: Server, yaml: string, init: RequestInit & { token?: string } = {}) =>
  send(server, "/api/schematics", { method: "POST", body: yaml, ...init, headers: { "content-type": "application/yaml", ...(init.headers as object) } });

async function errorOf(res: Response, status: number, code: string): Promise<{ message: string; hint?: string }> {
  assert.equal(res.status, status);
  const { error } = (await res.json()) as { error: { code: string; message: string; hint?: string } };
  assert.equal(error.code, code);
  return error;
}

/** node:http, since fetch() will not send another Host header than the URL's. */
function raw(server: Server, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<number> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: init.method ?? "GET", headers: init.headers }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode ?? 0));
    });
    req.once("error", reject);
    req.end(init.body);
  });
}

// Servers are slow to start on a busy machine: two shared ones, the "open" one (no token, the
// server's own choice of address) and the "guarded" one (tokens made in the tests below).
let openServer: Server | undefined;
let guardedServer: Server | undefined;
const open = async () => (openServer ??= await startTestServer({ builder: createFakeBuilder().builder, host: null }));
const guardedFake = createFakeBuilder();
const guarded = async () => (guardedServer ??= await startTestServer({ builder: guardedFake.builder }));
after(async () => {
  await openServer?.close();
  await guardedServer?.close();
});

async function withServer(opts: Parameters<typeof startTestServer>[0], fn: (s: Server) => Promise<void>): Promise<void> {
  const server = await startTestServer(opts);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

test("with no token the server binds to loopback unless HOST is set, and says who can reach it", async () => {
  const server = await open();
  assert.equal((server.server.address() as AddressInfo).address, "127.0.0.1");
  assert.match(server.reach, /only this machine can reach it/);
  assert.match(server.reach, /brokkr token create/);
});

test("once a token exists, writes need it (401 with WWW-Authenticate: Bearer); reads stay public", async () => {
  const server = await guarded();
  // No token yet: anyone on loopback may write.
  const first = await postSpec(server, specYaml("before-tokens"));
  assert.equal(first.status, 201);
  const { id } = (await first.json()) as { id: string };

  const secret = await token(server, ["create", "ci"]); // through the control socket: the server runs
  const other = await token(server, ["create", "other"]);
  assert.match(secret, /^brokkr_[A-Za-z0-9_-]{43}$/);
  assert.equal(statSync(join(server.dataDir, "control", "brokkr.sock")).mode & 0o777, 0o600);
  assert.equal(statSync(join(server.dataDir, "control")).mode & 0o777, 0o700);

  const writes: [string, RequestInit][] = [
    ["/api/schematics", { method: "POST", headers: { "content-type": "application/yaml" }, body: specYaml("w") }],
    [`/api/schematics/${id}/builds`, { method: "POST" }],
    ["/api/assets", { method: "POST", headers: { "content-type": "image/png" }, body: "x" }],
    [`/api/schematics/${id}`, { method: "DELETE" }],
    [`/api/builds/${crypto.randomUUID()}/cancel`, { method: "POST" }],
  ];
  for (const [path, init] of writes) {
    for (const auth of [undefined, `Bearer brokkr_${"A".repeat(43)}`, "Basic Y2k6eA==", `Bearer ${secret}x`]) {
      const res = await send(server, path, { ...init, headers: { ...(init.headers as object), ...(auth ? { authorization: auth } : {}) } });
      const err = await errorOf(res, 401, "service.unauthorized");
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
      assert.match(err.hint ?? "", /BROKKR_TOKEN/);
    }
  }
  // Reads need nothing.
  assert.equal((await send(server, `/api/schematics/${id}`)).status, 200);
  assert.equal((await send(server, `/api/schematics/${id}/builds`)).status, 200);
  assert.equal((await send(server, `/pxe/${id}/boot.ipxe`)).status, 200);
  // With the token, writes work.
  assert.equal((await postSpec(server, specYaml("with-token"), { token: secret })).status, 201);
  const built = await send(server, `/api/schematics/${id}/builds`, { method: "POST", token: secret });
  assert.equal(built.status, 202);
  await (await send(server, `/api/builds/${((await built.json()) as { buildId: string }).buildId}/log`)).text();

  // list and revoke, still through the running server; a revoked token is refused at once.
  assert.match(await token(server, ["list"]), /^ci\s+created .*\nother\s+created /);
  assert.equal(await token(server, ["revoke", "other"]), "revoked other");
  await errorOf(await postSpec(server, specYaml("revoked"), { token: other }), 401, "service.unauthorized");
  await assert.rejects(token(server, ["revoke", "other"]), /no token named 'other'/);
  await assert.rejects(token(server, ["create", "../x"]), /not a token name/);
});

test("the brokkr CLI makes a token through the running server and prints it once, never into the server's output", async () => {
  const server = await guarded();
  const written: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const tee = (to: typeof write) =>
    ((s: string | Uint8Array, ...rest: never[]) => {
      written.push(String(s));
      return to(s, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = tee(write);
  process.stderr.write = tee(writeErr);
  try {
    const cli = spawn(process.execPath, [join(getSettings().root, "composer/src/cli.ts"), "token", "create", "laptop"], {
      env: { ...process.env, BROKKR_DATA_DIR: server.dataDir, DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    cli.stdout.on("data", (d: Buffer) => (out += d.toString()));
    cli.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => cli.once("close", resolve));
    assert.equal(code, 0, err);
    const secret = out.trim();
    assert.match(secret, /^brokkr_[A-Za-z0-9_-]{43}$/);
    assert.match(err, /shown this once/);
    // Bad and good uses of it; none may print it.
    await postSpec(server, specYaml("x"), { token: `${secret}0` });
    assert.equal((await postSpec(server, specYaml("cli-made"), { token: secret })).status, 201);
    await postSpec(server, "{", { token: secret, headers: { "content-type": "application/json" } });
    assert.ok(!written.join("").includes(secret), "the token appears in the server's output");
    await assert.rejects(token(server, ["create", "laptop"]), /a token named 'laptop' exists/);
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
});

test("whoever created a schematic (by token) can delete it with its builds; others get 403", async () => {
  const server = await guarded();
  const alice = await token(server, ["create", "alice"]);
  const bob = await token(server, ["create", "bob"]);
  const { id } = (await (await postSpec(server, specYaml("owned"), { token: alice })).json()) as { id: string };
  // Bob sending the same spec does not make him an owner.
  assert.equal((await postSpec(server, specYaml("owned"), { token: bob })).status, 201);
  const started = (await (await send(server, `/api/schematics/${id}/builds`, { method: "POST", token: bob })).json()) as { buildId: string };
  await (await send(server, `/api/builds/${started.buildId}/log`)).text();

  await errorOf(await send(server, `/api/schematics/${id}`, { method: "DELETE" }), 401, "service.unauthorized");
  const err = await errorOf(await send(server, `/api/schematics/${id}`, { method: "DELETE", token: bob }), 403, "service.forbidden");
  assert.match(err.message, /token 'bob' did not create/);

  // Not while a build of it runs.
  guardedFake.hold();
  const running = (await (await send(server, `/api/schematics/${id}/builds`, { method: "POST", token: alice })).json()) as { buildId: string };
  await errorOf(await send(server, `/api/schematics/${id}`, { method: "DELETE", token: alice }), 409, "service.conflict");
  guardedFake.release();
  await (await send(server, `/api/builds/${running.buildId}/log`)).text();

  assert.equal((await send(server, `/api/schematics/${id}`, { method: "DELETE", token: alice })).status, 204);
  for (const path of [`/api/schematics/${id}`, `/api/builds/${started.buildId}`, `/api/builds/${running.buildId}`, `/images/${id}/disk.img`]) {
    await errorOf(await send(server, path), 404, "service.not-found");
  }
  await errorOf(await send(server, `/api/schematics/${id}`, { method: "DELETE", token: alice }), 404, "service.not-found");
});

test("brokkr remote sends BROKKR_TOKEN as the bearer token", async () => {
  const server = await guarded();
  const secret = await token(server, ["create", "remote"]);
  const outDir = join(server.dataDir, "out");
  await assert.rejects(remoteBuild({ specFile: minimalFile, server: server.url, outDir }), /needs a token/);
  const r = await remoteBuild({ specFile: minimalFile, server: server.url, outDir, token: secret });
  assert.ok(r.artifacts.length > 0);
});

test("password hashes are never served back: schematic JSON and YAML, manifest.json, log; the ID covers them", async () => {
  const server = await open();
  const withSecrets = specYaml("secrets")
    .replace("sshAuthorizedKeys: []", `sshAuthorizedKeys: []\n      passwordHash: "${hash}"`)
    .replace("  hostname: brokkr\n", `  hostname: brokkr\n  rootPassword: "${rootHash}"\n`);
  assert.ok(withSecrets.includes(hash) && withSecrets.includes(rootHash), "the test spec has both fields");
  const created = await postSpec(server, withSecrets);
  assert.equal(created.status, 201);
  const createdText = await created.text();
  const { id } = JSON.parse(createdText) as { id: string };
  const plain = (await (await postSpec(server, specYaml("secrets"))).json()) as { id: string };
  assert.notEqual(id, plain.id, "the schematic ID covers the hashes");

  const json = await (await send(server, `/api/schematics/${id}`)).text();
  const yaml = await (await send(server, `/api/schematics/${id}`, { headers: { accept: "application/yaml" } })).text();
  const built = (await (await send(server, `/api/schematics/${id}/builds`, { method: "POST" })).json()) as { buildId: string };
  const log = await readSse(await send(server, `/api/builds/${built.buildId}/log`));
  const manifest = await (await send(server, `/api/builds/${built.buildId}/manifest.json`)).text();
  const served = await (await send(server, `/images/${id}/manifest.json`)).text();
  for (const [what, text] of Object.entries({ created: createdText, json, yaml, log: log.lines.join("\n"), manifest, served })) {
    assert.ok(!text.includes(hash) && !text.includes(rootHash), `${what} carries a password hash`);
  }
  for (const text of [json, yaml, manifest]) assert.match(text, /<redacted: set>/);
  assert.match(yaml, /password hashes are redacted/);
  assert.equal((JSON.parse(manifest) as { schematicId: string }).schematicId, id);
});

test("without tokens a schematic is deleted only from loopback", async () => {
  assert.equal(isLoopback("127.0.0.1"), true);
  assert.equal(isLoopback("::ffff:127.0.0.5"), true);
  assert.equal(isLoopback("::1"), true);
  assert.equal(isLoopback("10.0.2.15"), false);
  assert.equal(isLoopback("::ffff:192.168.1.2"), false);
  assert.equal(isLoopback(undefined), false);
  const server = await open();
  const { id } = (await (await postSpec(server, specYaml("local"))).json()) as { id: string };
  assert.equal((await send(server, `/api/schematics/${id}`, { method: "DELETE" })).status, 204);
  await errorOf(await send(server, `/api/schematics/${id}`), 404, "service.not-found");
});

test("cross-site writes are refused (Origin, Sec-Fetch-Site, DNS rebinding); same-origin and Origin-less ones pass", async () => {
  const server = await open();
  const own = new URL(server.url).host;
  const port = new URL(server.url).port;
  const body = specYaml("csrf");
  const refused: Record<string, string>[] = [
    { origin: "http://evil.test" },
    { origin: "null" },
    { origin: `http://${own}`, "sec-fetch-site": "cross-site" },
    { "sec-fetch-site": "same-site" },
    // A rebinding name resolving to 127.0.0.1: the page's own origin, but not a name of ours.
    { host: `evil.test:${port}`, origin: `http://evil.test:${port}`, "sec-fetch-site": "same-origin" },
    { host: `evil.test:${port}` },
  ];
  for (const headers of refused) {
    const h = { "content-type": "application/yaml", ...headers };
    assert.equal(await raw(server, "/api/schematics", { method: "POST", headers: h, body }), 403, JSON.stringify(headers));
    // The same holds for the UI's paths (Next's server actions are POSTs to pages).
    assert.equal(await raw(server, "/", { method: "POST", headers: h, body: "x" }), 403, JSON.stringify(headers));
  }
  const ok: Record<string, string>[] = [
    {},
    { origin: `http://${own}` },
    { origin: `http://${own}`, "sec-fetch-site": "same-origin" },
    { host: `localhost:${port}`, origin: `http://localhost:${port}` },
  ];
  for (const headers of ok) {
    assert.equal(await raw(server, "/api/schematics", { method: "POST", headers: { "content-type": "application/yaml", ...headers }, body }), 201, JSON.stringify(headers));
  }
  // Reads under any name stay open: PXE clients use whatever name or address they were given.
  assert.equal(await raw(server, "/api/health", { headers: { host: "pxe.lan" } }), 200);
});

test("responses carry CSP with frame-ancestors 'none', nosniff, X-Frame-Options and Referrer-Policy", async () => {
  const server = await open();
  for (const path of ["/", "/catalog", "/api/health", `/api/schematics/${"0".repeat(64)}`, "/pxe/x/boot.ipxe"]) {
    const res = await fetch(`${server.url}${path}`);
    await res.body?.cancel();
    assert.match(res.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/, path);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
    assert.equal(res.headers.get("x-frame-options"), "DENY", path);
    assert.equal(res.headers.get("referrer-policy"), "no-referrer", path);
  }
  const page = await fetch(`${server.url}/`);
  await page.body?.cancel();
  assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'self'/);
  const api = await fetch(`${server.url}/api/health`);
  await api.body?.cancel();
  assert.match(api.headers.get("content-security-policy") ?? "", /default-src 'none'/);
});

test("BROKKR_ALLOWED_HOSTS / BROKKR_PUBLIC_URL: only those names are answered, and their origin may write", async () => {
  await withServer({ builder: createFakeBuilder().builder, allowedHosts: ["images.example.org"], publicUrl: "https://factory.example.net" }, async (server) => {
    assert.equal(await raw(server, "/api/health", { headers: { host: "evil.test" } }), 403);
    assert.equal(await raw(server, "/api/health", { headers: { host: "images.example.org" } }), 200);
    assert.equal(await raw(server, "/api/health", { headers: { host: "factory.example.net" } }), 200);
    assert.equal(await raw(server, "/api/health", { headers: { host: "10.0.2.2:3000" } }), 200);
    // Behind a proxy the Host is the proxy's upstream name; the public origin may still write.
    const headers = { "content-type": "application/yaml", host: "images.example.org", origin: "https://factory.example.net", "sec-fetch-site": "same-origin" };
    assert.equal(await raw(server, "/api/schematics", { method: "POST", headers, body: specYaml("proxied") }), 201);
    assert.equal(await raw(server, "/api/schematics", { method: "POST", headers: { ...headers, origin: "https://evil.test" }, body: specYaml("proxied") }), 403);
  });
});

test("`brokkr token` works with the server stopped, against the same data dir", async () => {
  const fake = createFakeBuilder();
  const first = await startTestServer({ builder: fake.builder, keep: true });
  await first.close();
  const secret = await token(first, ["create", "offline"]); // opens the database itself
  await withServer({ builder: fake.builder, dataDir: first.dataDir, host: null }, async (server) => {
    // A token exists: the server now serves others (all interfaces) and writes need the token.
    assert.equal((server.server.address() as AddressInfo).address, "0.0.0.0");
    assert.match(server.reach, /writes need a token/);
    await errorOf(await postSpec(server, specYaml("anon")), 401, "service.unauthorized");
    assert.equal((await postSpec(server, specYaml("offline"), { token: secret })).status, 201);
  });
  await rm(first.dataDir, { recursive: true, force: true });
});

test("on PostgreSQL, `brokkr token` writes the database directly and the running server sees it at once", async () => {
  const pg = await startPostgres();
  try {
    await withServer({ builder: createFakeBuilder().builder, databaseUrl: pg.url }, async (server) => {
      assert.equal((await postSpec(server, specYaml("pg-open"))).status, 201);
      const secret = await token(server, ["create", "pg"], pg.url);
      await errorOf(await postSpec(server, specYaml("pg-anon")), 401, "service.unauthorized");
      const { id } = (await (await postSpec(server, specYaml("pg-owned"), { token: secret })).json()) as { id: string };
      assert.equal((await send(server, `/api/schematics/${id}`, { method: "DELETE", token: secret })).status, 204);
      assert.match(await token(server, ["list"], pg.url), /^pg\s/);
      await token(server, ["revoke", "pg"], pg.url);
      assert.equal((await postSpec(server, specYaml("pg-open-again"))).status, 201);
    });
  } finally {
    await pg.stop();
  }
});
