// What runs a build for the service: a function that writes artifacts into a staging directory
// and reports progress. The real one runs the composer in a child process (child-builder.ts);
// tests pass a fake that writes small files.
import type { BuildEvent } from "@brokkr/composer";
import type { LockEntry } from "@brokkr/composer";
import type { ImageSpec } from "@brokkr/composer";

export interface BuildJob {
  buildId: string;
  schematicId: string;
  spec: ImageSpec;
  lock: LockEntry[] | undefined;
  /** An empty directory of the service's own; artifacts are written here. */
  outDir: string;
  /** The content-addressed store holding uploaded assets (branding.splash). */
  assetsDir?: string;
  /** The server's OpenPGP key (in its data dir, never in the database): it signs SHA256SUMS. */
  signingKeyFile?: string;
  /** Bounds of this build; past one the build fails with that reason. */
  limits?: BuildLimits;
}

export interface BuildLimits {
  seconds: number;
  /** Resident memory of the builder's whole process tree. */
  memoryBytes: number;
  packages: number;
  installedBytes: number;
}

export interface BuildOutput {
  /** Names of the files in outDir that are the build's artifacts (manifest.json included). */
  files: string[];
}

export type Builder = (job: BuildJob, onEvent: (e: BuildEvent) => void, signal: AbortSignal) => Promise<BuildOutput>;
