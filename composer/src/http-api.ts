// The image service's HTTP API as its clients see it: the JSON the server sends (web/server)
// and `brokkr remote` reads (remote.ts). Declared once, here; the service's own contract is
// web/lib/service/types.ts.
import type { ErrorJson } from "./errors.ts";
import type { ImageSpec } from "./spec/index.ts";

export type BuildStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface SchematicRecord {
  id: string;
  spec: ImageSpec;
  createdAt: string;
}

export interface StageRecord {
  name: string;
  startedAt: string;
  /** Set when the stage finished. */
  ms: number | null;
}

export interface ArtifactRecord {
  /** disk.img, uki.efi, vmlinuz, initrd.img, cmdline, manifest.json */
  file: string;
  sha256: string;
  size: number;
}

export interface BuildRecord {
  id: string;
  schematicId: string;
  status: BuildStatus;
  /** The composer errata version of the code that made (or makes) it (composer/src/errata). */
  errata: number;
  stages: StageRecord[];
  artifacts: ArtifactRecord[];
  error: ErrorJson | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** An uploaded branding image, converted; `id` is the sha256 of the stored file (the splash BMP). */
export interface AssetRecord {
  id: string;
  /** The uploaded file's name, as the client gave it ("" when none). */
  name: string;
  /** Of the stored file: image/bmp for a splash. */
  contentType: string;
  size: number;
  width: number;
  height: number;
  /** sha256 of the PNG preview in the store. */
  thumbnail: string | null;
  createdAt: string;
}

export interface LogLine {
  /** 0-based line number within the build's log. */
  n: number;
  text: string;
}

/** `POST /api/schematics` answers 201 with this. */
export interface CreatedSchematic {
  id: string;
  spec: ImageSpec;
}

/** `POST /api/schematics/:id/builds` answers 202 with this. */
export interface StartedBuild {
  buildId: string;
  status: BuildStatus;
  build: BuildRecord;
}

/** Every 4xx/5xx answer. */
export interface ErrorBody {
  error: ErrorJson;
}
