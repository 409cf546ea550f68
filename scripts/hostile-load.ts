// Hostile clients in their own process, for scripts/bench-security.ts: `node scripts/hostile-load.ts
// BASE SCHEMATIC_ID CLIENTS SECONDS` sends alias bombs, deeply nested JSON, oversized bodies, bad
// locks, unknown ids and traversal paths, each client one request after another, and prints the
// count of answers by status as JSON. Loopback only: BASE must be a 127.0.0.0/8 URL. The clients
// connect from 127.0.0.2, so the server tells them from the honest clients on 127.0.0.1 (as it
// would tell a stranger's address from a user's).
import { Agent, request } from "node:http";

const agent = new Agent({ keepAlive: true });
const [base, id, clients = "20", seconds = "10", only] = process.argv.slice(2);
if (!base || !id || !/^http:\/\/127\.\d+\.\d+\.\d+:\d+$/.test(base)) throw new Error("usage: node scripts/hostile-load.ts http://127.0.0.1:PORT ID CLIENTS SECONDS");

const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
for (let i = 1; i < 400; i++) bomb.push(`a${i}: &a${i} [${Array(99).fill(`*a${i > 1 ? i - 1 : ""}`).join(",")}]`);
const deep = `{"name":"a","arch":"x86_64","ports":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
type Init = { method?: string; headers?: Record<string, string>; body?: string };
const requests: Array<[string, Init]> = [
  ["/api/schematics", { method: "POST", headers: { "content-type": "application/yaml" }, body: bomb.join("\n") }],
  ["/api/schematics", { method: "POST", headers: { "content-type": "application/json" }, body: deep }],
  ["/api/schematics", { method: "POST", headers: { "content-type": "application/json" }, body: "x".repeat(2 * 1024 * 1024) }],
  [`/api/schematics/${id}/builds`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"lock":[{"package":"a\\u0000","version":"1","arch":"amd64","sha256":"0"}]}' }],
  [`/pxe/${"f".repeat(64)}/boot.ipxe`, {}],
  ["/images/..%2f..%2fetc/passwd", {}],
  [`/api/schematics/${id}/builds`, { method: "GET" }],
  ["/api/builds/not-a-build/log?from=abc", {}],
];

// An optional 5th argument keeps one kind of request (its index), to see which one costs.
if (only !== undefined) requests.splice(0, requests.length, requests[Number(only)]!);
const counts: Record<string, number> = {};
const end = Date.now() + Number(seconds) * 1000;
const client = async (k: number) => {
  for (let i = k; Date.now() < end; i++) {
    const [path, init] = requests[i % requests.length]!;
    const status = await send(`${base}${path}`, init);
    counts[status] = (counts[status] ?? 0) + 1;
  }
};
await Promise.all(Array.from({ length: Number(clients) }, (_, k) => client(k)));
process.stdout.write(JSON.stringify(counts));

/** One request from 127.0.0.2, its status or "error"; the answer is read and dropped. */
function send(url: string, init: Init): Promise<string> {
  return new Promise((resolve) => {
    const req = request(url, { method: init.method ?? "GET", headers: init.headers, localAddress: "127.0.0.2", agent }, (res) => {
      res.resume();
      res.once("end", () => resolve(String(res.statusCode)));
      res.once("error", () => resolve("error"));
    });
    req.once("error", () => resolve("error"));
    req.end(init.body);
  });
}
