// A build's process tree, read from /proc: the builder and every helper it started (xz, zstd).
// Memory is bounded by polling the tree's resident size and killing it past the limit; rlimits
// would not do (RLIMIT_AS breaks V8's and WASM's address-space reservations).
import { readdirSync, readFileSync } from "node:fs";

/** pid → parent pid of every process we can see. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, "latin1");
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(Number(name), Number(rest[1]));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** `root` and all its descendants that are alive now. */
export function processTree(root: number): number[] {
  const ppid = parents();
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, parent] of ppid) if (parent === tree[i] && !tree.includes(pid)) tree.push(pid);
  }
  return tree.filter((pid) => pid === root ? ppid.has(root) : true);
}

/** Resident bytes of the processes (VmRSS), 0 for one that is gone. */
export function residentBytes(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "latin1"));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // gone
    }
  }
  return total;
}

/** SIGKILLs the whole tree, children first found, so no helper outlives its builder. */
export function killTree(root: number): void {
  for (const pid of processTree(root).reverse()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

export interface TreeWatch {
  stop(): void;
  /** The highest resident size seen, in bytes. */
  peak(): number;
}

/** Polls the tree every `intervalMs`; calls `onExceed(bytes)` once when it passes `limitBytes`. */
export function watchTreeMemory(root: number, limitBytes: number, onExceed: (bytes: number) => void, intervalMs = 500): TreeWatch {
  let peak = 0;
  let fired = false;
  const timer = setInterval(() => {
    const bytes = residentBytes(processTree(root));
    peak = Math.max(peak, bytes);
    if (!fired && bytes > limitBytes) {
      fired = true;
      onExceed(bytes);
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), peak: () => peak };
}
