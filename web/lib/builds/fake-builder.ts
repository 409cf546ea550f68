// For tests: a builder that writes small, deterministic artifacts (content depends on the
// schematic), reports two stages, and can be held at a gate to keep a build running.
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BrokkrError } from "@brokkr/composer";
import type { Builder, BuildJob } from "./builder.ts";

export interface FakeBuilder {
  builder: Builder;
  /** Jobs started so far. */
  jobs: BuildJob[];
  /** Holds every build after its first stage until release() (or forever, if never called). */
  hold(): void;
  release(): void;
  /** The next build fails with this error. */
  failNext(err: Error): void;
  /** Builds running right now, and the most seen at once. */
  running: number;
  maxRunning: number;
}

/** 64 KiB of bytes that depend on the schematic, so Range answers can be checked exactly. */
export function fakeDisk(schematicId: string): Buffer {
  const out = Buffer.alloc(64 * 1024);
  let block = Buffer.from(schematicId);
  for (let off = 0; off < out.length; off += 32) {
    block = createHash("sha256").update(block).digest();
    block.copy(out, off);
  }
  return out;
}

export function createFakeBuilder(): FakeBuilder {
  let gate: { promise: Promise<void>; resolve: () => void } | undefined;
  let failure: Error | undefined;
  const fake: FakeBuilder = {
    jobs: [],
    running: 0,
    maxRunning: 0,
    hold() {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      gate = { promise, resolve };
    },
    release() {
      gate?.resolve();
      gate = undefined;
    },
    failNext(err) {
      failure = err;
    },
    builder: async (job, onEvent, signal) => {
      fake.jobs.push(job);
      fake.running++;
      fake.maxRunning = Math.max(fake.maxRunning, fake.running);
      try {
        onEvent({ kind: "stage", stage: "fake" });
        onEvent({ kind: "log", message: `fake build of ${job.spec.name}` });
        const waiting = gate?.promise;
        if (waiting) {
          await Promise.race([
            waiting,
            new Promise((_, reject) => {
              if (signal.aborted) reject(new Error("aborted"));
              signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
            }),
          ]);
        }
        onEvent({ kind: "stage-done", stage: "fake", ms: 1 });
        const err = failure;
        failure = undefined;
        if (err) throw err;
        onEvent({ kind: "stage", stage: "image" });
        await writeFile(join(job.outDir, "vmlinuz"), `kernel for ${job.schematicId}\n`);
        await writeFile(join(job.outDir, "initrd.img"), `initrd for ${job.schematicId}\n`);
        await writeFile(join(job.outDir, "cmdline"), "console=ttyS0 quiet\n");
        await writeFile(join(job.outDir, "disk.img"), fakeDisk(job.schematicId));
        await writeFile(join(job.outDir, "manifest.json"), `${JSON.stringify({ schematicId: job.schematicId, spec: job.spec })}\n`);
        onEvent({ kind: "stage-done", stage: "image", ms: 2 });
        return { files: ["vmlinuz", "initrd.img", "cmdline", "disk.img", "manifest.json"] };
      } finally {
        fake.running--;
      }
    },
  };
  return fake;
}

export const resolveFailure = () =>
  new BrokkrError("resolve.unsatisfiable", "no package provides foo", { hint: "remove foo from packages" });
