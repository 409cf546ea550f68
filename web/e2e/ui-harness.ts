// Test harness for the browser tests: start the web app on a free port, and Debian's Chromium
// through playwright-core. Everything started here is stopped by its own handle.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { access, mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const repoRoot = join(import.meta.dirname, "../..");
export const nodeBin = join(repoRoot, "node_modules/.bin/node");
export const chromiumPath = "/usr/bin/chromium";

/** Why the browser tests can't run here (for `describe(…, { skip })`), or undefined. */
export const chromiumMissing = await access(chromiumPath).then(
  () => undefined,
  () => `${chromiumPath} is missing (apt-get install chromium)`,
);

/** A new page whose page errors and console errors are pushed to `errors`. */
export async function watchedPage(browser: RunningBrowser, errors: string[]): Promise<Page> {
  const page = await browser.context.newPage();
  page.on("pageerror", (e) => errors.push(`pageerror: ${e}`));
  page.on("console", (m) => void (m.type() === "error" && errors.push(`console: ${m.text()}`)));
  return page;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

export interface RunningApp {
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Waits until `url` answers (any status), or the process exits, or `ms` pass. */
async function waitForHttp(
  url: string,
  child: ChildProcess,
  output: () => string,
  ms: number,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}):\n${output()}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`the app did not answer at ${url} within ${ms} ms:\n${output()}`);
}

/** Starts a command that serves the app on PORT, and waits until it answers. */
/** Brokkr's own server (`web/server/main.ts`, UI and API) on a free loopback port over `dataDir`. */
export function startServerApp(dataDir: string): Promise<RunningApp> {
  return startApp([join(repoRoot, "web/server/main.ts")], { BROKKR_DATA_DIR: dataDir, HOST: "127.0.0.1" });
}

export async function startApp(args: string[], env: Record<string, string> = {}): Promise<RunningApp> {
  const port = await freePort();
  const child = spawn(nodeBin, args, {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), HOSTNAME: "127.0.0.1", NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => void (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => void (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const output = () => log;
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(-child.pid, "SIGTERM");
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForHttp(url, child, output, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, output, stop };
}

/** `next start` for the pure UI: no image service behind it. */
export function startNext(): Promise<RunningApp> {
  return startApp([join(repoRoot, "node_modules/next/dist/bin/next"), "start", "web", "-H", "127.0.0.1"]);
}

export interface RunningBrowser {
  context: BrowserContext;
  close: () => Promise<void>;
}

/** Chromium with a fresh profile in a temp folder (a persistent context is what takes one). */
export async function launchChromium(): Promise<RunningBrowser> {
  const profile = await mkdtemp(join(tmpdir(), "brokkr-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** The newest modification time of a file or of anything under a folder (0 when absent). */
async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const names = await readdir(path);
  const times = await Promise.all(names.map((n) => (n === ".next" ? 0 : newestMtime(join(path, n)))));
  return Math.max(info.mtimeMs, ...times);
}

/** Builds the app when web/.next is missing or older than a source file of the UI or the composer. */
export async function ensureNextBuild(): Promise<void> {
  // Test files run in parallel: one builds, the others wait and find the build current.
  const lock = join(
    tmpdir(),
    `brokkr-next-build-${createHash("sha256").update(repoRoot).digest("hex").slice(0, 12)}.lock`,
  );
  for (const started = Date.now(); ; ) {
    try {
      await mkdir(lock);
      break;
    } catch {
      const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
      if (age > 10 * 60_000) await rm(lock, { recursive: true, force: true }); // left by a killed run
      if (Date.now() - started > 15 * 60_000) throw new Error(`${lock} is held for too long`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    const web = join(repoRoot, "web");
    const built = await newestMtime(join(web, ".next/BUILD_ID"));
    const sources = [
      ...["app", "components", "lib", "next.config.ts"].map((d) => join(web, d)),
      join(repoRoot, "composer/src"),
    ];
    const changed = Math.max(...(await Promise.all(sources.map(newestMtime))));
    if (built > changed) return;
    await promisify(execFile)(nodeBin, [join(repoRoot, "node_modules/next/dist/bin/next"), "build", "web"], {
      cwd: repoRoot,
      maxBuffer: 64 * 1024 * 1024,
    });
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
