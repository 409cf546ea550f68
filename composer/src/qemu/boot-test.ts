// Boots a disk image in QEMU (TCG only: KVM does not work on our machines) and watches the
// serial console for markers, in order, within a time limit. QEMU is always stopped by the
// PID we spawned, on success, timeout, error, or when this process exits.

import { spawn } from "node:child_process";
import { createWriteStream, constants as fsConstants } from "node:fs";
import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { BrokkrError } from "../errors.ts";
import {
  createAnsiStripper,
  createMatcher,
  createUnorderedMatcher,
  describePattern,
  type Match,
  type Pattern,
  tailLines,
} from "./console-text.ts";
import {
  type Arch,
  escapeOptionValue,
  type Firmware,
  prepareMachine,
  type QemuMachine,
  type QemuSearch,
} from "./firmware.ts";
import { displayArgsFor } from "./machines.ts";
import { connectQmp } from "./qmp.ts";
import { isRunning, stopChild, trackChild, trackTempDir, untrackTempDir } from "./reaper.ts";
import { takeScreenshot } from "./screenshot.ts";

export interface BootTestOptions {
  /**
   * Raw disk image; QEMU writes to a throw-away overlay (snapshot=on), never to it. Without one
   * the machine has no disk: a network boot, with the NIC and `-boot n` given in `extraArgs`.
   */
  image?: string;
  /** Write the guest's changes to `image` itself (default: a throw-away overlay). */
  writable?: boolean;
  /** How `image` is read: "raw" by default; "qcow2" for disk.qcow2. */
  format?: "raw" | "qcow2";
  /** "disk" (virtio-blk) by default; "cdrom" attaches it as a SCSI CD-ROM, as for image.iso. */
  media?: "disk" | "cdrom";
  arch: Arch;
  firmware: Firmware;
  memoryMiB?: number;
  timeoutMs: number;
  /** All must appear on the serial console, in this order (escape sequences stripped). */
  expect: readonly Pattern[];
  /** Accept the `expect` patterns in any order. */
  anyOrder?: boolean;
  /** Forwards 127.0.0.1:PORT on the host to the guest's port 22. */
  sshForwardPort?: number;
  /** Raw console text as it arrives (escape sequences kept), also after the result with keepRunning. */
  onOutput?: (chunk: string) => void;
  /** Raw console bytes are written here. */
  logFile?: string;
  /** Leave the VM running after every marker matched; the caller must call stop(). */
  keepRunning?: boolean;
  /** Overrides the arch's -cpu value, e.g. "max,-smap" for Xen on QEMU 7.2. */
  cpu?: string;
  /**
   * Give the guest a display and input devices (still headless) and a QMP socket, so that
   * `result.screenshot()` works while the VM runs (with keepRunning).
   */
  display?: boolean;
  /** Appended to the command line as is. */
  extraArgs?: readonly string[];
  search?: QemuSearch;
}

export interface BootTestResult {
  ok: boolean;
  /** Seconds from QEMU start to the last marker (when ok), else to the end of the run. */
  seconds: number;
  matched: Match[];
  /** Console text up to the result, escape sequences stripped. */
  output: string;
  /** Why the run failed: "qemu.timeout" or "qemu.failed"; details carry the console tail. */
  error: BrokkrError | undefined;
  pid: number | undefined;
  /** The full command line, for logs and for running it by hand. */
  command: string[];
  qemuVersion: string;
  /** Writes the guest's display to FILE.png (needs `display` and a running VM: keepRunning). */
  screenshot(file: string): Promise<{ width: number; height: number }>;
  /** Kills QEMU by its PID (SIGTERM, SIGKILL after 2 s) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

type Outcome =
  | { kind: "matched" }
  | { kind: "timeout" }
  | { kind: "exited"; code: number | null; signal: NodeJS.Signals | null }
  | { kind: "spawn-error"; error: Error };

/** Builds the QEMU arguments: the machine's own plus disk, memory, console, network. */
export function buildQemuArgs(
  machine: QemuMachine,
  opts: BootTestOptions & { qmpSocket?: string },
): string[] {
  const args = [
    ...machine.args,
    "-accel",
    "tcg",
    "-m",
    String(opts.memoryMiB ?? 1024),
    "-smp",
    "1",
    // No default VGA, NIC, CD-ROM or monitor: only what is listed here exists.
    "-nodefaults",
    "-display",
    "none",
    "-serial",
    "stdio",
    "-monitor",
    "none",
    "-no-reboot",
    "-rtc",
    "base=utc",
  ];
  if (opts.image !== undefined) {
    // if=virtio is a virtio-blk-pci disk on all three machines; OVMF, AAVMF, EDK2, U-Boot
    // and SeaBIOS all boot from it.
    const file = `file=${escapeOptionValue(opts.image)},format=${opts.format ?? "raw"}`;
    if (opts.media === "cdrom") {
      // virtio-scsi works on all three machines (aarch64 and riscv64 virt have no IDE/AHCI).
      args.push(
        "-device",
        "virtio-scsi-pci,id=scsi0",
        "-drive",
        `${file},if=none,id=cd0,media=cdrom,readonly=on`,
        "-device",
        "scsi-cd,drive=cd0,bus=scsi0.0",
      );
    } else {
      args.push("-drive", opts.writable ? `${file},if=virtio` : `${file},if=virtio,snapshot=on`);
    }
  }
  if (opts.sshForwardPort !== undefined) {
    args.push(
      "-netdev",
      `user,id=n0,hostfwd=tcp:127.0.0.1:${opts.sshForwardPort}-:22`,
      "-device",
      "virtio-net-pci,netdev=n0",
    );
  }
  if (opts.display) {
    args.push(...displayArgsFor(machine.arch));
    if (opts.qmpSocket !== undefined)
      args.push("-qmp", `unix:${escapeOptionValue(opts.qmpSocket)},server=on,wait=off`);
  }
  args.push(...(opts.extraArgs ?? []));
  return args;
}

/** Boots `opts.image` and resolves when every marker matched, on timeout, or when QEMU exits. */
export async function bootTest(opts: BootTestOptions): Promise<BootTestResult> {
  if (opts.image !== undefined) {
    try {
      await access(opts.image, fsConstants.R_OK);
    } catch (cause) {
      throw new BrokkrError("io", `disk image ${opts.image} is not readable`, { cause });
    }
  }
  const machine = await prepareMachine(opts.arch, opts.firmware, { search: opts.search, cpu: opts.cpu });
  let { tempDir } = machine;
  if (opts.display) tempDir ??= await mkdtemp(join(tmpdir(), "brokkr-qemu-"));
  if (tempDir !== undefined) trackTempDir(tempDir);
  const qmpSocket = opts.display && tempDir !== undefined ? join(tempDir, "qmp.sock") : undefined;
  const args = buildQemuArgs(machine, { ...opts, qmpSocket });
  const command = [machine.binary, ...args];

  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const child = spawn(machine.binary, args, { stdio: ["pipe", "pipe", "pipe"] });
  trackChild(child);
  const log = opts.logFile === undefined ? undefined : createWriteStream(opts.logFile);
  const decoder = new StringDecoder("utf8");
  const strip = createAnsiStripper();
  const matcher = opts.anyOrder ? createUnorderedMatcher(opts.expect) : createMatcher(opts.expect);
  let output = "";
  let stderr = "";
  let settled = false;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await stopChild(child);
      if (log !== undefined) await new Promise<void>((resolve) => log.end(resolve));
      if (tempDir !== undefined) {
        await rm(tempDir, { recursive: true, force: true });
        untrackTempDir(tempDir);
      }
    })());

  const outcome = await new Promise<Outcome>((resolve) => {
    const timer = setTimeout(() => finish({ kind: "timeout" }), opts.timeoutMs);
    const finish = (o: Outcome) => {
      clearTimeout(timer);
      settled = true;
      resolve(o);
    };
    if (matcher.feed("", 0)) finish({ kind: "matched" });
    child.stdout.on("data", (buf: Buffer) => {
      if (log !== undefined && !log.writableEnded) log.write(buf);
      const raw = decoder.write(buf);
      opts.onOutput?.(raw);
      if (settled) return; // a VM kept running only streams to onOutput and the log
      const clean = strip(raw);
      output += clean;
      if (matcher.feed(clean, elapsed())) finish({ kind: "matched" });
    });
    child.stderr.on("data", (buf: Buffer) => {
      stderr = (stderr + buf.toString("utf8")).slice(-16_384);
    });
    child.once("error", (error) => finish({ kind: "spawn-error", error }));
    child.once("close", (code, signal) => finish({ kind: "exited", code, signal }));
  });

  const ok = outcome.kind === "matched";
  const seconds = ok ? (matcher.matched.at(-1)?.atSeconds ?? 0) : elapsed();
  const snapshot = output;
  if (!(ok && opts.keepRunning) || !isRunning(child)) await stop();
  const error =
    outcome.kind === "matched"
      ? undefined
      : describeFailure(outcome, { opts, matcher, output: snapshot, stderr, command });
  return {
    ok,
    seconds,
    matched: [...matcher.matched],
    output: snapshot,
    error,
    pid: child.pid,
    command,
    qemuVersion: machine.version.text,
    async screenshot(file) {
      if (qmpSocket === undefined)
        throw new BrokkrError("qemu.failed", "screenshot needs bootTest({ display: true })");
      if (!isRunning(child))
        throw new BrokkrError("qemu.failed", "screenshot needs a running VM (keepRunning)");
      const qmp = await connectQmp(qmpSocket);
      try {
        return await takeScreenshot(qmp, file);
      } finally {
        qmp.close();
      }
    },
    stop,
  };
}

function describeFailure(
  outcome: Exclude<Outcome, { kind: "matched" }>,
  ctx: {
    opts: BootTestOptions;
    matcher: ReturnType<typeof createMatcher>;
    output: string;
    stderr: string;
    command: string[];
  },
): BrokkrError {
  const waitingFor = ctx.matcher.next === undefined ? "(nothing)" : describePattern(ctx.matcher.next);
  const details = {
    waitingFor,
    matched: ctx.matcher.matched.map((m) => ({
      pattern: describePattern(m.pattern),
      atSeconds: m.atSeconds,
    })),
    tail: tailLines(ctx.output),
    stderr: tailLines(ctx.stderr, 10),
    command: ctx.command,
  };
  if (outcome.kind === "timeout") {
    const limit = ctx.opts.timeoutMs / 1000;
    return new BrokkrError(
      "qemu.timeout",
      `${waitingFor} did not appear on the serial console within ${limit} s`,
      {
        hint: "details.tail holds the last console lines; raise the time limit if the boot was still moving (TCG is slow)",
        details: { ...details, timeoutMs: ctx.opts.timeoutMs },
      },
    );
  }
  if (outcome.kind === "spawn-error") {
    return new BrokkrError("qemu.failed", `cannot start ${ctx.command[0]}: ${outcome.error.message}`, {
      cause: outcome.error,
      details,
    });
  }
  const how = outcome.signal === null ? `with code ${outcome.code}` : `on ${outcome.signal}`;
  const firstError = ctx.stderr.split("\n").find((l) => l.trim() !== "");
  return new BrokkrError(
    "qemu.failed",
    `QEMU exited ${how} before ${waitingFor} appeared on the serial console`,
    {
      hint: firstError ?? "the guest reset or powered off (QEMU runs with -no-reboot); see details.tail",
      details: { ...details, exitCode: outcome.code, signal: outcome.signal },
    },
  );
}

/** How to attach an artifact, from its name: image.iso as a CD-ROM, *.qcow2 as qcow2, else raw. */
export function attachmentOf(image: string): Pick<BootTestOptions, "format" | "media"> {
  if (/\.iso$/i.test(image)) return { format: "raw", media: "cdrom" };
  if (/\.qcow2$/i.test(image)) return { format: "qcow2", media: "disk" };
  return { format: "raw", media: "disk" };
}
