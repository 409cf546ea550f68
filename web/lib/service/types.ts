// The contract between the image service (builds, storage, HTTP API) and its two faces: the
// Next.js UI (through server actions) and the plain HTTP layer (CLI, CI, PXE clients).
// One process holds one BrokkrService; the HTTP layer and Next's server actions reach it
// through getService() in ./registry.ts.
import type { LockEntry } from "@brokkr/composer";
import type { AssetRecord, BuildRecord, LogLine, SchematicRecord } from "@brokkr/composer";
import type { BlobStore } from "../store/types.ts";

export type {
  ArtifactRecord,
  AssetRecord,
  BuildRecord,
  BuildStatus,
  LogLine,
  SchematicRecord,
  StageRecord,
} from "@brokkr/composer";

export interface BrokkrService {
  /** Validates (schema + catalog rules) and stores; throws BrokkrError("spec.invalid") with every problem. */
  createSchematic(spec: unknown): Promise<SchematicRecord>;
  getSchematic(id: string): Promise<SchematicRecord | undefined>;
  /**
   * Deletes a schematic with its builds; false when there is none. Throws
   * BrokkrError("service.conflict") while one of its builds is queued or running.
   */
  deleteSchematic(id: string): Promise<boolean>;
  /**
   * Starts a build, or returns the queued/running build of the same schematic and lock (single
   * flight). `lock` rebuilds exact package versions (a manifest's lock). Throws
   * BrokkrError("service.not-found") for an unknown schematic.
   */
  startBuild(schematicId: string, opts?: { lock?: LockEntry[]; client?: string; priority?: number }): Promise<BuildRecord>;
  /** One garbage collection (web/lib/gc); `dryRun` reports what would go and removes nothing. */
  collectGarbage(opts: { dryRun: boolean; verify: boolean }): Promise<import("../gc/collect.ts").GcReport>;
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
  /** The artifact store (local directory or S3): downloads read artifacts and assets from it. */
  readonly store: BlobStore;
  /**
   * Converts an uploaded image (PNG, JPEG, WebP or SVG) to a boot splash BMP and a PNG thumbnail,
   * stores both and records the asset. Throws BrokkrError: service.unsupported-media-type,
   * service.too-large (too many pixels) or asset.invalid (unreadable image).
   */
  addSplash(image: Buffer, opts: { name: string }): Promise<AssetRecord>;
  getAsset(sha256: string): Promise<AssetRecord | undefined>;
  /** The armored public OpenPGP key that signs every build's SHA256SUMS. */
  signingPublicKey(): Promise<string>;
}
