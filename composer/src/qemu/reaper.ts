// Keeps track of the QEMU processes we started so none outlives us: a test that throws, a
// Ctrl-C or a CI timeout must not leave a VM spinning a CPU. Only PIDs we spawned and that
// have not exited yet are ever signalled.

import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";

const liveChildren = new Set<ChildProcess>();
const liveTempDirs = new Set<string>();
const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let exitHandlerInstalled = false;
let signalHandlersInstalled = false;

/** Registers a child to be killed if this process exits while it still runs. */
export function trackChild(child: ChildProcess): void {
  installHandlers();
  liveChildren.add(child);
  child.once("exit", () => liveChildren.delete(child));
}

/** Registers a temp dir to be removed if this process exits before we remove it. */
export function trackTempDir(dir: string): void {
  installHandlers();
  liveTempDirs.add(dir);
}

export function untrackTempDir(dir: string): void {
  liveTempDirs.delete(dir);
}

/** A child that failed to spawn has no PID and never exits: it does not run either. */
export function isRunning(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited and been reaped. */
export async function stopChild(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (!isRunning(child)) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => {
    if (isRunning(child)) child.kill("SIGKILL");
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

function killAllNow(): void {
  for (const child of liveChildren) {
    if (isRunning(child)) child.kill("SIGKILL");
  }
  liveChildren.clear();
  for (const dir of liveTempDirs) rmSync(dir, { recursive: true, force: true });
  liveTempDirs.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAllNow();
  // Listening to a signal cancels Node's default exit; when nobody else listens, restore it
  // and re-raise so the process still ends the way the sender meant.
  if (process.listenerCount(signal) === 1) {
    for (const s of signals) process.removeListener(s, onSignal);
    signalHandlersInstalled = false;
    process.kill(process.pid, signal);
  }
}

function installHandlers(): void {
  if (!exitHandlerInstalled) {
    exitHandlerInstalled = true;
    process.on("exit", killAllNow);
  }
  if (!signalHandlersInstalled) {
    signalHandlersInstalled = true;
    for (const s of signals) process.on(s, onSignal);
  }
}
