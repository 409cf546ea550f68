// For tests: a real S3 server from Debian's packages, OpenStack Swift with its s3api middleware,
// one node and one replica, in a temp dir, listening on 127.0.0.1 only, and stopped by the PIDs
// of its four processes (proxy, account, container, object). Missing packages are installed
// with apt-get (scripts/setup.sh lists them for the tests); when that is impossible this throws:
// the S3 store is tested wherever the tests run, never skipped.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort } from "../db/test-postgres.ts";

export const swiftPackages = ["swift", "swift-proxy", "swift-account", "swift-container", "swift-object", "python3-swift"];
const servers = ["account", "container", "object", "proxy"] as const;
const python = "/usr/bin/python3";
const here = join(import.meta.dirname, "swift");

export interface TestSwift {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The four server processes, stopped by stop(). */
  pids: number[];
  /** Milliseconds from the first spawn to all four answering. */
  startMs: number;
  stop(): Promise<void>;
}

/** Installs Debian's Swift packages when a server binary is missing (as root, or with sudo -n). */
export function ensureSwiftInstalled(): void {
  if (servers.every((s) => existsSync(`/usr/bin/swift-${s}-server`))) return;
  const asRoot = process.getuid?.() === 0 ? [] : ["sudo", "-n"];
  const run = (args: string[]) => {
    const [cmd, ...rest] = [...asRoot, ...args];
    execFileSync(cmd!, rest, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  };
  try {
    run(["apt-get", "update"]);
    run(["apt-get", "install", "-y", "--no-install-recommends", ...swiftPackages]);
  } catch (cause) {
    throw new Error(`the S3 tests need OpenStack Swift: as root, run: apt-get install ${swiftPackages.join(" ")}`, { cause });
  }
}

/**
 * A directory on a file system with user extended attributes, which Swift's object server
 * needs (tmpfs has them only for trusted.*, some overlay set-ups not at all).
 */
export function findXattrDir(candidates = [tmpdir(), "/var/tmp", process.cwd()]): string {
  for (const dir of candidates) {
    const probe = join(dir, `.brokkr-xattr-${process.pid}`);
    try {
      execFileSync(python, ["-c", "import os,sys; open(sys.argv[1],'w').close(); os.setxattr(sys.argv[1],'user.brokkr',b'1')", probe], { stdio: "ignore" });
      return dir;
    } catch {
      // next candidate
    } finally {
      void rm(probe, { force: true });
    }
  }
  throw new Error(`no directory with user xattrs among ${candidates.join(", ")}: Swift's object server needs them (ext4 and xfs have them)`);
}

function serverConf(name: (typeof servers)[number], port: number, dir: string): string {
  const common = `[DEFAULT]\nbind_ip = 127.0.0.1\nbind_port = ${port}\nworkers = 0\nswift_dir = ${dir}\nuser = ${userInfo().username}\nlog_level = WARNING\n`;
  if (name === "proxy") {
    const filters = ["catch_errors", "gatekeeper", "healthcheck", "proxy_logging", "listing_formats", "copy", "slo", "dlo"];
    return `${common}
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:cache]
paste.filter_factory = memory_cache:filter_factory

[filter:s3api]
use = egg:swift#s3api
location = us-east-1

[filter:tempauth]
use = egg:swift#tempauth
user_brokkr_test = brokkr-test-secret .admin

${filters.map((f) => `[filter:${f.replace("proxy_logging", "proxy-logging")}]\nuse = egg:swift#${f}\n`).join("\n")}`;
  }
  return `${common}devices = ${join(dir, "devices")}\nmount_check = false\n
[pipeline:main]
pipeline = ${name}-server

[app:${name}-server]
use = egg:swift#${name}
`;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

export async function startSwift(): Promise<TestSwift> {
  ensureSwiftInstalled();
  const dir = mkdtempSync(join(findXattrDir(), "brokkr-swift-"));
  mkdirSync(join(dir, "devices", "d1"), { recursive: true });
  const ports = { account: await freePort(), container: await freePort(), object: await freePort(), proxy: await freePort() };
  execFileSync(python, [join(here, "make_rings.py"), dir, String(ports.account), String(ports.container), String(ports.object)], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const t0 = performance.now();
  const children: ChildProcess[] = [];
  let log = "";
  for (const name of servers) {
    const conf = join(dir, `${name}-server.conf`);
    writeFileSync(conf, serverConf(name, ports[name], dir));
    const child = spawn(`/usr/bin/swift-${name}-server`, [conf, "--verbose"], {
      env: { PATH: "/usr/bin:/bin", PYTHONPATH: here, PYTHONDONTWRITEBYTECODE: "1", HOME: dir },
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr?.on("data", (d: Buffer) => (log = (log + `${name}: ${d.toString()}`).slice(-8000)));
    children.push(child);
  }
  const pids = children.map((c) => c.pid!);
  // A test that dies without calling stop() still takes its servers with it.
  const killAll = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  };
  process.once("exit", killAll);

  const stop = async () => {
    process.off("exit", killAll);
    await Promise.all(
      children.map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
        c.kill("SIGTERM");
        const timer = setTimeout(() => c.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await rm(dir, { recursive: true, force: true });
  };

  const endpoint = `http://127.0.0.1:${ports.proxy}`;
  const deadline = Date.now() + 120_000; // 3 s on a quiet machine; 30 s seen on a loaded one
  for (;;) {
    const dead = children.find((c) => c.exitCode !== null || c.signalCode !== null);
    if (dead) {
      await stop();
      throw new Error(`a Swift server exited at start (${dead.spawnfile}):\n${log}`);
    }
    const up = await Promise.all([ports.account, ports.container, ports.object].map(accepts));
    if (up.every(Boolean)) {
      const ok = await fetch(`${endpoint}/healthcheck`).then((r) => r.ok, () => false);
      if (ok) break;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Swift did not answer within 120 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    region: "us-east-1",
    accessKeyId: "brokkr:test",
    secretAccessKey: "brokkr-test-secret",
    pids,
    startMs: Math.round(performance.now() - t0),
    stop,
  };
}
