// The contract between the image service (builds, storage, HTTP API) and its two faces: the
// Next.js UI (through server actions) and the plain HTTP layer (CLI, CI, PXE clients).
// One process holds one BrokkrService; the HTTP layer and Next's server actions reach it
// through getService() in ./registry.ts.
import type { LockEntry } from "../../../composer/src/feeds/debian/types.ts";
import type { ImageSpec } from "../../../composer/src/spec/index.ts";

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
  stages: StageRecord[];
  artifacts: ArtifactRecord[];
  error: { code: string; message: string; hint?: string } | null;
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

export interface BrokkrService {
  /** Validates (schema + catalog rules) and stores; throws BrokkrError("spec.invalid") with every problem. */
  createSchematic(spec: unknown): Promise<SchematicRecord>;
  getSchematic(id: string): Promise<SchematicRecord | undefined>;
  /**
   * Starts a build, or returns the queued/running build of the same schematic and lock (single
   * flight). `lock` rebuilds exact package versions (a manifest's lock). Throws
   * BrokkrError("service.not-found") for an unknown schematic.
   */
  startBuild(schematicId: string, opts?: { lock?: LockEntry[]; client?: string; priority?: number }): Promise<BuildRecord>;
  /** Cancels a queued or running build (service.conflict when it has finished). */
  cancelBuild(buildId: string): Promise<BuildRecord>;
  /** Counts a write of `client`; throws service.rate-limited past the per-minute limit. */
  checkWriteRate(client: string): Promise<void>;
  /** The limits this service enforces (for the HTTP layer's own: streams, connections, timeouts). */
  readonly limits: import("./limits.ts").ServiceLimits;
  getBuild(buildId: string): Promise<BuildRecord | undefined>;
  listBuilds(schematicId: string): Promise<BuildRecord[]>;
  latestGoodBuild(schematicId: string): Promise<BuildRecord | undefined>;
  /** The log from line `from`, then every new line until the build ends; returns an unsubscribe. */
  followLog(buildId: string, from: number, onLine: (l: LogLine) => void, onEnd: (b: BuildRecord) => void): () => void;
  /** Absolute path of an artifact in the content-addressed store. */
  artifactPath(a: ArtifactRecord): string;
  /**
   * Converts an uploaded image (PNG, JPEG, WebP or SVG) to a boot splash BMP and a PNG thumbnail,
   * stores both and records the asset. Throws BrokkrError: service.unsupported-media-type,
   * service.too-large (too many pixels) or asset.invalid (unreadable image).
   */
  addSplash(image: Buffer, opts: { name: string }): Promise<AssetRecord>;
  getAsset(sha256: string): Promise<AssetRecord | undefined>;
  /** Absolute path of a stored blob (an asset or its thumbnail) by its sha256. */
  blobPath(sha256: string): string;
}
