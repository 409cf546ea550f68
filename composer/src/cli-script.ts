// `brokkr boot-test SPEC|DIR --script FILE [--copy-out PATH ...] [--out-dir DIR]`: the guest
// script's lines go to stdout as they arrive, ours to stderr, and the exit status is the script's.
import { join } from "node:path";
import type { Manifest } from "./pipeline.ts";
import { attachmentOf } from "./qemu/boot-test.ts";
import { guestFor } from "./qemu/firmware.ts";
import { readScript, runScript } from "./qemu/script-runner.ts";

export async function runScriptCommand(opts: {
  dir: string;
  manifest: Manifest;
  image: string;
  script: string;
  copyOut: string[];
  outDir: string | undefined;
  timeoutMs: number;
}): Promise<number> {
  const script = await readScript(opts.script);
  const outDir = opts.outDir ?? opts.dir;
  process.stderr.write(`booting ${opts.image} (${opts.manifest.spec.arch}, TCG) to run ${opts.script}\n`);
  const result = await runScript({
    image: opts.image,
    ...attachmentOf(opts.image),
    arch: opts.manifest.spec.arch,
    firmware: opts.manifest.spec.boot.firmware,
    ...guestFor(opts.manifest.spec.boot.protocol),
    script,
    copyOut: opts.copyOut,
    outDir,
    timeoutMs: opts.timeoutMs,
    logFile: join(opts.dir, "script.log"),
    onLine: (line) => process.stdout.write(`${line}\n`),
  });
  for (const file of result.copied) process.stderr.write(`copied ${file}\n`);
  for (const path of result.missing) process.stderr.write(`warning: ${path} does not exist in the guest\n`);
  process.stderr.write(`script exited with status ${result.status} after ${result.seconds.toFixed(1)} s\n`);
  return result.status;
}
