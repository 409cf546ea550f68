// Runs a script inside a booted image, without SSH or a network: the script travels on a
// small FAT disk labelled BRKSCRIPT, attached as a second virtio drive, which the image's
// script-runner unit (systemd-units/script-runner) mounts, runs and answers on the console.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { BrokkrError } from "../errors.ts";
import { writeFat32 } from "../formats/fat32.ts";
import { type BootTestOptions, bootTest } from "./boot-test.ts";
import { createAnsiStripper, tailLines } from "./console-text.ts";
import { type Arch, escapeOptionValue, type Firmware, type QemuSearch } from "./firmware.ts";
import { trackTempDir, untrackTempDir } from "./reaper.ts";
import { createScriptFrameParser } from "./script-frames.ts";

export const SCRIPT_DISK_LABEL = "BRKSCRIPT";

export interface RunScriptOptions {
  image: string;
  /** How `image` is attached (raw disk by default; qcow2; an ISO as a CD-ROM): see attachmentOf. */
  format?: BootTestOptions["format"];
  media?: BootTestOptions["media"];
  arch: Arch;
  firmware: Firmware;
  /** The script's text; a `#!` line picks its interpreter, else it runs under sh. */
  script: Buffer;
  /** Absolute guest paths to bring back after the script ends; saved in outDir by base name. */
  copyOut?: readonly string[];
  outDir?: string;
  timeoutMs: number;
  /** Each line the script prints (stdout and stderr together), as it arrives. */
  onLine?: (line: string) => void;
  logFile?: string;
  memoryMiB?: number;
  /** Keep the guest's writes in `image` (see BootTestOptions.writable). */
  writable?: boolean;
  /** Overrides the arch's -cpu value (see guestFor). */
  cpu?: string;
  /** Appended to QEMU's command line, e.g. a display and a QMP socket for a screenshot. */
  extraArgs?: readonly string[];
  search?: QemuSearch;
}

export interface RunScriptResult {
  status: number;
  /** Seconds from QEMU start to the last frame. */
  seconds: number;
  lines: string[];
  /** Host paths of the copied files. */
  copied: string[];
  /** Guest paths that did not exist or were unreadable. */
  missing: string[];
}

/** Builds the script disk: run.sh, the nonce and the copy-out list, on a labelled FAT32 volume. */
export function buildScriptDisk(script: Buffer, nonce: string, copyOut: readonly string[]): Buffer {
  const files = [
    { path: "run.sh", data: script },
    { path: "nonce.txt", data: Buffer.from(`${nonce}\n`) },
    { path: "copy-out.txt", data: Buffer.from(copyOut.map((p) => `${p}\n`).join("")) },
  ];
  return writeFat32(files, { label: SCRIPT_DISK_LABEL, volumeId: Number.parseInt(nonce.slice(0, 8), 16), mtime: 0 });
}

/** Rejects copy-out paths the guest side cannot name on one line, and clashing base names. */
export function checkCopyOut(paths: readonly string[]): void {
  const seen = new Set<string>();
  for (const p of paths) {
    if (!p.startsWith("/") || /[\n\r]/.test(p) || p.endsWith("/")) {
      throw new BrokkrError("spec.invalid", `--copy-out ${JSON.stringify(p)} is not an absolute file path`, {
        hint: "name a file inside the guest, e.g. --copy-out /tmp/result.txt",
      });
    }
    const name = basename(p);
    if (seen.has(name)) {
      throw new BrokkrError("spec.invalid", `two --copy-out files are both named ${name}`, {
        hint: "copied files are saved by base name; copy one of them elsewhere in the script first",
      });
    }
    seen.add(name);
  }
}

/** Boots `image` with the script disk and resolves with the script's exit status. */
export async function runScript(opts: RunScriptOptions): Promise<RunScriptResult> {
  const copyOut = opts.copyOut ?? [];
  checkCopyOut(copyOut);
  const nonce = randomBytes(8).toString("hex");
  const work = await mkdtemp(join(tmpdir(), "brokkr-script-"));
  trackTempDir(work);
  try {
    const disk = join(work, "script.img");
    await writeFile(disk, buildScriptDisk(opts.script, nonce, copyOut));
    const parser = createScriptFrameParser(nonce);
    const strip = createAnsiStripper();
    const lines: string[] = [];
    const files: { path: string; data: Buffer }[] = [];
    const missing: string[] = [];
    const errors: string[] = [];
    let status: number | undefined;

    const run = await bootTest({
      image: opts.image,
      format: opts.format,
      media: opts.media,
      arch: opts.arch,
      firmware: opts.firmware,
      timeoutMs: opts.timeoutMs,
      memoryMiB: opts.memoryMiB,
      cpu: opts.cpu,
      writable: opts.writable,
      search: opts.search,
      logFile: opts.logFile,
      // Stop at the last frame, or at once when the guest cannot read the disk (that line
      // starts a line; inside the script's own output it follows a BROKKR-OUT tag).
      expect: [new RegExp(`BROKKR-SCRIPT-DONE ${nonce}|^BROKKR-SCRIPT-ERROR [^\\n]*\\n`, "m")],
      extraArgs: [
        "-drive",
        `file=${escapeOptionValue(disk)},format=raw,if=virtio,readonly=on`,
        ...(opts.extraArgs ?? []),
      ],
      onOutput: (chunk) => {
        for (const e of parser.feed(strip(chunk))) {
          if (e.kind === "output") {
            lines.push(e.line);
            opts.onLine?.(e.line);
          } else if (e.kind === "end") status = e.status;
          else if (e.kind === "file") files.push(e);
          else if (e.kind === "file-missing") missing.push(e.path);
          else if (e.kind === "error") errors.push(e.message);
        }
      },
    });
    if (errors.length > 0) {
      throw new BrokkrError("qemu.failed", `the guest's script runner failed: ${errors.join("; ")}`, {
        details: { tail: tailLines(run.output) },
      });
    }
    if (!run.ok || status === undefined) {
      throw (
        run.error ??
        new BrokkrError("qemu.failed", "the script runner finished without reporting an exit status", {
          details: { tail: tailLines(run.output) },
        })
      );
    }
    const copied: string[] = [];
    if (files.length > 0) {
      const outDir = opts.outDir ?? ".";
      await mkdir(outDir, { recursive: true });
      for (const f of files) {
        const target = join(outDir, basename(f.path));
        await writeFile(target, f.data);
        copied.push(target);
      }
    }
    return { status, seconds: run.seconds, lines, copied, missing };
  } finally {
    await rm(work, { recursive: true, force: true });
    untrackTempDir(work);
  }
}

/** Reads the script file for runScript, with a plain error when it is not there. */
export async function readScript(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (cause) {
    throw new BrokkrError("io", `cannot read the script ${file}`, { cause });
  }
}
