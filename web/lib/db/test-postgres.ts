// For tests: a throw-away PostgreSQL server from Debian's postgresql package, run as an
// unprivileged user (PostgreSQL refuses to run as root) in a temp dir, on a free loopback port,
// and stopped by the PID we started. A missing postgresql is an error, never a skip: the
// PostgreSQL path must be tested wherever the tests run (scripts/setup.sh installs it).
import { type ChildProcess, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";

const nobody = 65534;
const isRoot = process.getuid?.() === 0;

export interface TestPostgres {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The bin directory of the newest installed PostgreSQL major version. */
export function findPostgresBin(): string {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(`no initdb under ${base}/*/bin: install Debian's postgresql package (bash scripts/setup.sh does)`);
  }
  return join(base, newest, "bin");
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { uid: isRoot ? nobody : undefined, gid: isRoot ? nobody : undefined, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}:\n${out}`))));
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  const dir = mkdtempSync(join(tmpdir(), "brokkr-pg-"));
  if (isRoot) chownSync(dir, nobody, nobody);
  const data = join(dir, "data");
  await run(join(bin, "initdb"), ["-D", data, "-U", "brokkr", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
  const port = await freePort();
  const child: ChildProcess = spawn(
    join(bin, "postgres"),
    ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
    { uid: isRoot ? nobody : undefined, gid: isRoot ? nobody : undefined, stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr?.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `postgres://brokkr@127.0.0.1:${port}/postgres`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, "SIGINT"); // fast shutdown
      const timer = setTimeout(() => child.pid !== undefined && child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited at start:\n${log}`);
    const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await sql`select 1`;
      await sql.end();
      break;
    } catch (err) {
      await sql.end({ timeout: 0 });
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`postgres did not accept connections within 30 s: ${String(err)}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { url, pid: child.pid!, stop };
}
