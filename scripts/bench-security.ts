// "Safe to expose" figures for `npm run bench` (and alone: `node scripts/bench-security.ts`):
// how long validation of the largest spec the limits allow takes, and schematic-lookup latency
// at 100 clients with and without 20 hostile clients beside them. Writes its section of
// docs/benchmarks.md when run alone.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { loadCatalog } from "../composer/src/catalog/index.ts";
import { getSettings } from "../composer/src/settings/index.ts";
import { checkSpecValue, parseYamlText } from "../composer/src/spec/index.ts";
import { LIMITS } from "../composer/src/spec/limits.ts";
import { defaultLimits } from "../web/lib/service/limits.ts";
import { startServer } from "../web/server/start.ts";
import { latency } from "./bench-web.ts";

const run = promisify(execFile);
const root = getSettings().root;

/** Every list at its maximum, every item as long as allowed: the worst spec validation may meet. */
function largestSpec(): unknown {
  const key = `ssh-ed25519 ${"A".repeat(68)} user@host`;
  return {
    name: "a".repeat(63),
    arch: "x86_64",
    boot: { cmdline: Array.from({ length: LIMITS.cmdlineArgs }, (_, i) => `a${i}=1`) },
    drivers: Array.from({ length: LIMITS.drivers }, (_, i) => `no-such-driver-${i}`),
    ports: Array.from({ length: LIMITS.ports }, (_, i) => `no-such-port-${i}`),
    packages: Array.from({ length: LIMITS.packages }, (_, i) => `package-${i}`),
    units: { enable: Array.from({ length: LIMITS.units }, (_, i) => `u${i}.service`), disable: [] },
    system: {
      users: Array.from({ length: LIMITS.users }, (_, i) => ({
        name: `user${i}`,
        groups: Array.from({ length: LIMITS.groupsPerUser }, (_, g) => `g${g}`),
        sshAuthorizedKeys: Array.from({ length: LIMITS.keysPerUser }, () => key),
      })),
    },
    outputs: ["disk", "uki", "pxe", "iso", "qcow2"],
  };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]!;
  return { min: s[0]!, median: at(50), p99: at(99), max: s.at(-1)! };
};

export async function benchSecurity(): Promise<string> {
  const catalog = await loadCatalog(root);
  const value = largestSpec();
  const yaml = stringify(value);
  const validate: number[] = [];
  const parseAndValidate: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t0 = performance.now();
    const { problems } = checkSpecValue(value, catalog);
    validate.push(performance.now() - t0);
    if (problems.length !== LIMITS.problems + 1) throw new Error(`expected a capped problem list, got ${problems.length}`);
    const t1 = performance.now();
    checkSpecValue(parseYamlText(yaml, "largest.yaml"), catalog);
    parseAndValidate.push(performance.now() - t1);
  }
  const v = stats(validate.slice(5));
  const pv = stats(parseAndValidate.slice(5));

  const dataDir = mkdtempSync(join(tmpdir(), "brokkr-bench-sec-"));
  const limits = { ...defaultLimits, connectionsPerClient: 10_000 };
  const server = await startServer({ port: 0, host: "127.0.0.1", dataDir, databaseUrl: undefined, buildConcurrency: 1, ui: false, limits });
  try {
    const created = await fetch(`${server.url}/api/schematics`, {
      method: "POST",
      headers: { "content-type": "application/yaml" },
      body: readFileSync(join(root, "examples/minimal.yaml")),
    });
    const { id } = (await created.json()) as { id: string };
    const lookup = `${server.url}/api/schematics/${id}`;
    await latency(lookup, 1, dataDir); // warm-up
    const quiet = await latency(lookup, 5, dataDir);
    const hostile = run(process.execPath, [join(import.meta.dirname, "hostile-load.ts"), server.url, id, "20", "7"], { maxBuffer: 1 << 20 });
    await new Promise((r) => setTimeout(r, 1000));
    const loud = await latency(lookup, 5, dataDir);
    const answers = JSON.parse((await hostile).stdout) as Record<string, number>;
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    const fives = Object.entries(answers).filter(([k]) => k.startsWith("5")).reduce((n, [, c]) => n + c, 0);
    return `## Safe to expose

Measured by \`npm run bench\` (\`scripts/bench-security.ts\`), ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}.
Validation: the largest spec the limits allow (${LIMITS.ports} unknown ports, ${LIMITS.packages} packages, ${LIMITS.users} users × ${LIMITS.keysPerUser} keys, ${LIMITS.cmdlineArgs} kernel arguments; ${(yaml.length / 1024).toFixed(0)} KiB of YAML), 35 runs after 5 warm-ups, in this process.
Lookups: \`GET /api/schematics/<id>\` by wrk, 100 connections for 5 s, first alone, then while 20 hostile clients
(\`scripts/hostile-load.ts\`: alias bombs, 20,000-deep JSON, 2 MiB bodies, NUL locks, unknown ids, traversal paths) send one request after another.

| | min / median / p99 / max | target |
|---|---|---|
| \`checkSpecValue\` of the largest spec | ${ms(v.min)} / ${ms(v.median)} / ${ms(v.p99)} / ${ms(v.max)} | ≤ 50 ms |
| YAML parse + check of the same spec | ${ms(pv.min)} / ${ms(pv.median)} / ${ms(pv.p99)} / ${ms(pv.max)} | |

| lookup latency | p50 | p99 | requests | target |
|---|---|---|---|---|
| 100 clients alone | ${ms(quiet.p50)} | ${ms(quiet.p99)} | ${quiet.requests} | |
| 100 clients + 20 hostile | ${ms(loud.p50)} | ${ms(loud.p99)} | ${loud.requests} | p99 ≤ 50 ms |

Hostile answers by status: ${Object.entries(answers).map(([k, n]) => `${k}: ${n}`).join(", ")} (${fives} were 5xx).
The hostile clients connect from 127.0.0.2 (the server tells them apart from wrk's 127.0.0.1, as it would a
stranger's address) and run on the same two cores as the server and wrk: part of the p99 under attack is the
attacker's own load generator taking CPU from the server on this machine.
`;
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const section = await benchSecurity();
  const file = join(root, "docs/benchmarks.md");
  const text = readFileSync(file, "utf8");
  const start = text.indexOf("## Safe to expose");
  const next = start === -1 ? -1 : text.indexOf("\n## ", start + 1);
  const updated = start === -1 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, start)}${section}${next === -1 ? "" : text.slice(next + 1)}`;
  writeFileSync(file, updated);
  console.log(section);
}
