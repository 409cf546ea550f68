// The image service: schematics, a build queue with single flight, logs, and the artifact store.
// One instance per process (see registry.ts); the HTTP layer and Next's server actions share it.
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import canonicalize from "canonicalize";
import type { BuildEvent } from "@brokkr/composer";
import type { Catalog } from "@brokkr/composer";
import { errataVersion } from "@brokkr/composer";
import { BrokkrError, errorToJson, formatError, type Problem } from "@brokkr/composer";
import type { LockEntry } from "@brokkr/composer";
import { checkSpecValue, normalizeSpec, schematicId as idOf } from "@brokkr/composer";
import { cleanLogLine } from "@brokkr/composer";
import { unavailableChains } from "@brokkr/composer";
import type { Builder } from "../builds/builder.ts";
import { childProcessBuilder } from "../builds/child-builder.ts";
import { logLineRenderer } from "../builds/log-lines.ts";
import type { Db } from "../db/client.ts";
import { deleteSchematicRows, unfinishedError } from "../db/delete-schematic.ts";
import * as repo from "../db/repo.ts";
import { convertSplash } from "../assets/splash-image.ts";
import { assetsDirFor } from "../store/create-store.ts";
import { LocalStore } from "../store/local-store.ts";
import { loadOrCreateSigningKey, publicKeyOf, signingKeyName } from "@brokkr/composer";
import type { BlobStore } from "../store/types.ts";
import { collectGarbage, type GcReport } from "../gc/collect.ts";
import { getSettings } from "@brokkr/composer";
import { isBuildId, isSchematicId, isSha256 } from "./ids.ts";
import { defaultLimits, type ServiceLimits, WriteWindow } from "./limits.ts";
import { type Follower, LiveBuild } from "./live-build.ts";
import type { ArtifactRecord, AssetRecord, BrokkrService, BuildRecord, LogLine, SchematicRecord } from "./types.ts";

export interface ImageServiceOptions {
  db: Db;
  /** Holds store/ (artifacts, unless `store` is given) and staging/ (builds under way). */
  dataDir: string;
  /** Default: the local directory store/ under dataDir (web/lib/store/create-store.ts picks one). */
  store?: BlobStore;
  catalog: Catalog;
  /** Default: the composer in a child process. */
  builder?: Builder;
  /** Builds run at once; default 1. */
  concurrency?: number;
  limits?: ServiceLimits;
  /** The database is shared with other processes (PostgreSQL): limits count there. */
  sharedDatabase?: boolean;
  /** Told of every build state change (queued, running, and how it ended): the operator's log. */
  onBuildChange?: (b: BuildRecord) => void;
}

export interface StartBuildOptions {
  /** Reproduce these exact package versions (a manifest's lock). */
  lock?: LockEntry[];
  /** Who asks ("token:<name>" or "ip:<address>"): the queue limits count per client. */
  client?: string;
  /** 0 asked by a person (default), 1 started by a PXE request, 2 a rebuild after an upgrade. */
  priority?: number;
}

export const interruptedError: repo.BuildError = {
  code: "build.interrupted",
  message: "interrupted by a server restart",
  hint: "start the build again",
};

/** Opens the service: marks builds a previous process left unfinished as failed, clears staging. */
export async function createImageService(opts: ImageServiceOptions): Promise<ImageService> {
  const svc = new ImageService(opts);
  await svc.recover();
  return svc;
}

export class ImageService implements BrokkrService {
  private readonly db: Db;
  private readonly catalog: Catalog;
  private readonly builder: Builder;
  private readonly concurrency: number;
  readonly limits: ServiceLimits;
  private readonly writes = new WriteWindow();
  private readonly sharedDatabase: boolean;
  private readonly onBuildChange: (b: BuildRecord) => void;
  readonly store: BlobStore;
  private readonly schematicCache = new Map<string, SchematicRecord>();
  private readonly goodBuildCache = new Map<string, BuildRecord>();
  private readonly rebuildsAsked = new Set<string>();
  private readonly stagingRoot: string;
  /** The server's signing key: in the data dir, never in the database or the artifact store. */
  private readonly signingKeyFile: string;
  private publicKey: Promise<string> | undefined;
  private readonly live = new Map<string, LiveBuild>();
  private readonly inflight = new Map<string, LiveBuild>();
  private readonly queue: LiveBuild[] = [];
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(opts: ImageServiceOptions) {
    this.db = opts.db;
    this.catalog = opts.catalog;
    this.builder = opts.builder ?? childProcessBuilder;
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.limits = opts.limits ?? defaultLimits;
    this.sharedDatabase = opts.sharedDatabase ?? false;
    this.onBuildChange = opts.onBuildChange ?? (() => {});
    this.store = opts.store ?? new LocalStore(join(opts.dataDir, "store"));
    this.stagingRoot = join(opts.dataDir, "staging");
    this.signingKeyFile = join(opts.dataDir, signingKeyName);
  }

  async recover(): Promise<void> {
    const ids = await repo.failUnfinished(this.db, interruptedError, new Date());
    for (const id of ids) {
      const next = (await repo.readLog(this.db, id, 0)).length;
      await repo.appendLog(this.db, id, [{ n: next, text: `error[${interruptedError.code}]: ${interruptedError.message}` }]);
    }
    // Made now, not at the first build: the public key is served from the start.
    await this.signingPublicKey();
    // Whatever is in staging belongs to a build that can no longer finish.
    await rm(this.stagingRoot, { recursive: true, force: true });
    await mkdir(this.stagingRoot, { recursive: true });
    // Likewise what they staged in a local store; a shared (S3) store keeps a day's grace.
    await this.store.sweep(this.store.kind === "local" ? new Date() : new Date(Date.now() - 86_400_000));
  }

  signingPublicKey(): Promise<string> {
    this.publicKey ??= loadOrCreateSigningKey(this.signingKeyFile).then(publicKeyOf);
    return this.publicKey;
  }

  async createSchematic(value: unknown): Promise<SchematicRecord> {
    const { spec, problems } = checkSpecValue(value, this.catalog, { unavailable: await unavailableChains() });
    // A splash this server does not hold could never be built here: say so now, not at build time.
    const splash = spec?.branding?.splash;
    if (splash && !(await this.store.has(splash))) {
      problems.push({
        path: "branding.splash",
        message: `no uploaded image has the sha256 ${splash}`,
        hint: "upload the image first (POST /api/assets) and use the id it answers",
      });
    }
    if (!spec || problems.length > 0) {
      throw new BrokkrError("spec.invalid", `${problems.length} problem(s) in the image spec`, { problems });
    }
    const normal = normalizeSpec(spec);
    return repo.saveSchematic(this.db, idOf(normal), normal);
  }

  async getSchematic(id: string): Promise<SchematicRecord | undefined> {
    if (!isSchematicId(id)) return undefined;
    // A schematic never changes once stored, so lookups (every PXE request makes one) are
    // answered from memory after the first.
    const cached = this.schematicCache.get(id);
    if (cached) return cached;
    const found = await repo.findSchematic(this.db, id);
    if (found) remember(this.schematicCache, id, found);
    return found;
  }

  async deleteSchematic(id: string): Promise<boolean> {
    if (!isSchematicId(id)) return false;
    for (const b of this.live.values()) if (b.record.schematicId === id) throw unfinishedError(b.record.id, b.record.status);
    const deleted = await deleteSchematicRows(this.db, id);
    this.schematicCache.delete(id);
    this.goodBuildCache.delete(id);
    return deleted;
  }

  async startBuild(schematicId: string, opts: StartBuildOptions = {}): Promise<BuildRecord> {
    if (!isSchematicId(schematicId)) {
      throw new BrokkrError("service.bad-request", `'${schematicId}' is not a schematic ID`, {
        hint: "a schematic ID is 64 lowercase hex digits",
      });
    }
    // Through the cache: a PXE client waiting for its first image asks every 10 s.
    const schematic = await this.getSchematic(schematicId);
    if (!schematic) throw notFound("schematic", schematicId);
    if (this.closed) throw new BrokkrError("service.unavailable", "the server is shutting down");
    const lockKey = opts.lock ? createHash("sha256").update(canonicalize(opts.lock) ?? "").digest("hex") : "";
    // The errata version is part of the key: a build by older code is not the one asked for.
    const key = `${schematicId}:${lockKey}:${errataVersion}`;
    const client = opts.client ?? "";
    // Joining a build under way costs nothing, so only a new build counts against the queue.
    const joined = await this.join(key);
    if (joined) return joined;
    await this.checkQueue(client);
    // From here to the map insert nothing awaits: concurrent requests see one build.
    const running = this.inflight.get(key);
    if (running) {
      await running.inserted;
      return running.snapshot();
    }
    const now = new Date();
    const b = new LiveBuild(
      {
        id: randomUUID(),
        schematicId,
        status: "queued",
        errata: errataVersion,
        stages: [],
        artifacts: [],
        error: null,
        createdAt: now.toISOString(),
        startedAt: null,
        finishedAt: null,
      },
      key,
      schematic.spec,
      opts.lock,
    );
    b.priority = opts.priority ?? 0;
    this.inflight.set(key, b);
    this.live.set(b.record.id, b);
    b.inserted = repo.insertBuild(this.db, {
      id: b.record.id,
      schematicId,
      lockKey,
      lock: opts.lock,
      createdAt: now,
      client,
      priority: b.priority,
      errata: errataVersion,
    });
    try {
      await b.inserted;
    } catch (err) {
      this.inflight.delete(key);
      this.live.delete(b.record.id);
      throw err;
    }
    this.onBuildChange(b.snapshot());
    this.queue.push(b);
    this.pump();
    return b.snapshot();
  }

  private async join(key: string): Promise<BuildRecord | undefined> {
    const running = this.inflight.get(key);
    if (!running) return undefined;
    await running.inserted;
    return running.snapshot();
  }

  private async checkQueue(client: string): Promise<void> {
    const counts = await repo.countUnfinished(this.db, client);
    const { queueTotal, queuePerClient } = this.limits;
    if (counts.total >= queueTotal) {
      throw new BrokkrError("service.queue-full", `the build queue is full (${counts.total} of ${queueTotal} builds queued or running)`, {
        hint: "try again in a minute",
        details: { retryAfter: 60 },
      });
    }
    if (client !== "" && counts.client >= queuePerClient) {
      throw new BrokkrError("service.queue-full", `you have ${counts.client} builds queued or running; the limit is ${queuePerClient}`, {
        hint: "wait for one to finish, or cancel one (POST /api/builds/<id>/cancel)",
        details: { retryAfter: 30 },
      });
    }
  }

  /**
   * Counts one write of `client`; over the per-minute limit it throws service.rate-limited. A
   * flood is answered from memory; only writes under the limit reach the database, whose count
   * holds across processes (with PostgreSQL; PGlite has one process, so memory is the count).
   */
  async checkWriteRate(client: string): Promise<void> {
    const local = this.writes.record(client);
    const n = local > this.limits.writesPerMinute || !this.sharedDatabase ? local : await repo.recordWrite(this.db, client, new Date(), 60_000);
    if (n > this.limits.writesPerMinute) {
      throw new BrokkrError("service.rate-limited", `too many requests: ${n} writes in the last minute; the limit is ${this.limits.writesPerMinute}`, {
        hint: "slow down and try again in a minute",
        details: { retryAfter: 60 },
      });
    }
  }

  /**
   * Cancels a queued or running build: a queued one never starts, a running one's builder is
   * killed; either way nothing of it is kept but its log. A finished build is a conflict.
   */
  async cancelBuild(buildId: string): Promise<BuildRecord> {
    const b = this.live.get(buildId);
    if (!b) {
      const done = await this.getBuild(buildId);
      if (!done) throw notFound("build", buildId);
      throw new BrokkrError("service.conflict", `build ${buildId} has already ${done.status === "cancelled" ? "been cancelled" : "finished"}`, {
        hint: "only a queued or running build can be cancelled",
      });
    }
    b.cancelled = true;
    const queued = this.queue.indexOf(b);
    if (queued !== -1) {
      this.queue.splice(queued, 1);
      this.addLine(b, "error[build.cancelled]: cancelled before it started");
      await this.finish(b, { status: "cancelled", error: cancelledError, artifacts: [] });
    } else {
      b.controller.abort();
      await new Promise<void>((resolve) => b.followers.add({ onLine: () => {}, onEnd: () => resolve() }));
    }
    return (await this.getBuild(buildId)) ?? b.snapshot();
  }

  async getBuild(buildId: string): Promise<BuildRecord | undefined> {
    const b = this.live.get(buildId);
    if (b) return b.snapshot();
    return isBuildId(buildId) ? repo.findBuild(this.db, buildId) : undefined;
  }

  async listBuilds(schematicId: string): Promise<BuildRecord[]> {
    if (!isSchematicId(schematicId)) return [];
    const rows = await repo.listBuilds(this.db, schematicId);
    return rows.map((r) => this.live.get(r.id)?.snapshot() ?? r);
  }

  async latestGoodBuild(schematicId: string): Promise<BuildRecord | undefined> {
    if (!isSchematicId(schematicId)) return undefined;
    // Only this process finishes builds on its database (see web/README.md), so the build it
    // serves stays the one to serve until finish() replaces it.
    const found = this.goodBuildCache.get(schematicId) ?? (await repo.latestGoodBuild(this.db, schematicId, errataVersion));
    if (!found) return undefined;
    remember(this.goodBuildCache, schematicId, found);
    if (found.errata < errataVersion) this.rebuildAfterUpgrade(schematicId);
    return found;
  }

  /**
   * The served build was made by older code (an erratum since changes its bytes): rebuild it
   * once, at the lowest priority, and keep serving the old one until the new one is good. A
   * rebuild that fails is not retried by this process (no rebuild storm, no loop).
   */
  private rebuildAfterUpgrade(schematicId: string): void {
    if (this.rebuildsAsked.has(schematicId) || this.closed) return;
    this.rebuildsAsked.add(schematicId);
    void this.startBuild(schematicId, { priority: 2 }).catch((err: unknown) => {
      // A full queue: ask again on a later request.
      if (err instanceof BrokkrError && err.code === "service.queue-full") this.rebuildsAsked.delete(schematicId);
    });
  }


  followLog(buildId: string, from: number, onLine: (l: LogLine) => void, onEnd: (b: BuildRecord) => void): () => void {
    const start = Math.max(0, Math.floor(from));
    const b = this.live.get(buildId);
    if (b) {
      for (let n = start; n < b.lines.length; n++) onLine({ n, text: b.lines[n]! });
      const f: Follower = { onLine: (l) => l.n >= start && onLine(l), onEnd };
      b.followers.add(f);
      return () => b.followers.delete(f);
    }
    // A finished build: everything is in the database (a live build leaves the map only then).
    let cancelled = false;
    void (async () => {
      const record = await this.getBuild(buildId);
      if (!record || cancelled) return;
      const lines = await repo.readLog(this.db, buildId, start);
      for (const l of lines) {
        if (cancelled) return;
        onLine(l);
      }
      if (!cancelled) onEnd(record);
    })().catch((err: unknown) => console.error(`followLog ${buildId}: ${formatError(err)}`));
    return () => {
      cancelled = true;
    };
  }

  async addSplash(image: Buffer, opts: { name: string }): Promise<AssetRecord> {
    const splash = await convertSplash(image);
    const thumbnail = await this.store.put(splash.thumbnail);
    const bmp = await this.store.put(splash.bmp);
    return repo.saveAsset(this.db, {
      id: bmp.sha256,
      name: opts.name.slice(0, 255),
      contentType: "image/bmp",
      size: bmp.size,
      width: splash.width,
      height: splash.height,
      thumbnail: thumbnail.sha256,
    });
  }

  async getAsset(sha256: string): Promise<AssetRecord | undefined> {
    return isSha256(sha256) ? repo.findAsset(this.db, sha256) : undefined;
  }

  /**
   * One garbage collection (web/lib/gc): the retention policy over this service's builds, its
   * store and staging, and the package cache. Live builds are never touched.
   */
  async collectGarbage(opts: { dryRun: boolean; verify: boolean; now?: Date; youngBlobMs?: number }): Promise<GcReport> {
    const s = getSettings();
    const hour = 3_600_000;
    // What a URL serves is looked up again afterwards (a corrupt blob may have taken a build's files).
    if (!opts.dryRun) setImmediate(() => this.goodBuildCache.clear());
    return collectGarbage({
      db: this.db,
      store: this.store,
      stagingRoot: this.stagingRoot,
      liveBuildIds: new Set(this.live.keys()),
      packageCache: { dir: s.cacheDir, capBytes: s.cacheMaxMb * 2 ** 20 },
      now: opts.now ?? new Date(),
      currentErrata: errataVersion,
      graceMs: s.gcGraceHours * hour,
      storeCapBytes: s.storeMaxMb * 2 ** 20,
      rowRetentionMs: s.rowRetentionDays * 24 * hour,
      dryRun: opts.dryRun,
      verify: opts.verify,
      ...(opts.youngBlobMs !== undefined ? { youngBlobMs: opts.youngBlobMs } : {}),
    });
  }

  /** Stops taking builds, fails the queued ones, cancels the running ones and waits for them. */
  async close(): Promise<void> {
    this.closed = true;
    for (const b of this.queue.splice(0)) {
      await this.finish(b, { status: "failed", error: shutdownError, artifacts: [] });
    }
    for (const b of this.live.values()) b.controller.abort();
    await Promise.allSettled([...this.running]);
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.concurrency && this.queue.length > 0) {
      // The lowest priority number first; among equals, the oldest.
      const next = this.queue.reduce((best, b, i) => (b.priority < this.queue[best]!.priority ? i : best), 0);
      const b = this.queue.splice(next, 1)[0]!;
      const p: Promise<void> = this.run(b).finally(() => {
        this.running.delete(p);
        this.pump();
      });
      this.running.add(p);
    }
  }

  private async run(b: LiveBuild): Promise<void> {
    const startedAt = new Date();
    b.record.status = "running";
    this.onBuildChange(b.snapshot());
    b.record.startedAt = startedAt.toISOString();
    b.write(() => repo.markRunning(this.db, b.record.id, startedAt));
    const staging = join(this.stagingRoot, b.record.id);
    const spec = b.spec;
    const render = logLineRenderer((text) => this.addLine(b, text));
    this.addLine(b, `building ${spec.name} (${spec.arch}, ${spec.boot.protocol}) schematic ${b.record.schematicId}`);
    const t0 = performance.now();
    try {
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging, { recursive: true });
      if (b.controller.signal.aborted) throw shutdownBrokkrError();
      const out = await this.builder(
        {
          buildId: b.record.id,
          schematicId: b.record.schematicId,
          spec,
          lock: b.lock,
          outDir: staging,
          assetsDir: await assetsDirFor(this.store, spec.branding?.splash, join(staging, ".assets")),
          signingKeyFile: this.signingKeyFile,
          limits: {
            seconds: this.limits.buildSeconds,
            memoryBytes: this.limits.buildMemoryBytes,
            packages: this.limits.buildPackages,
            installedBytes: this.limits.buildInstalledBytes,
          },
        },
        (e) => {
          this.recordStage(b, e);
          render(e);
        },
        b.controller.signal,
      );
      if (b.controller.signal.aborted) throw shutdownBrokkrError();
      await checkOutputSize(staging, out.files, this.limits.buildOutputBytes);
      const found = new Set(await readdir(staging));
      const artifacts: ArtifactRecord[] = [];
      // Staged under this attempt, published (durable) only before the transaction that records it.
      const staged = this.store.stage(`${b.record.id}-1`);
      try {
        for (const file of [...new Set(out.files)].sort()) {
          if (basename(file) !== file || !found.has(file)) {
            throw new BrokkrError("build.crashed", `the builder reported an artifact '${file}' it did not write`);
          }
          const blob = await staged.moveIn(join(staging, file));
          artifacts.push({ file, ...blob });
          this.addLine(b, `${file}  ${(blob.size / 1e6).toFixed(1)} MB  sha256:${blob.sha256}`);
        }
        await staged.publish();
      } finally {
        await staged.discard();
      }
      this.addLine(b, `built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      await rm(staging, { recursive: true, force: true });
      await this.finish(b, { status: "succeeded", error: null, artifacts });
    } catch (err) {
      const e = b.cancelled ? cancelledBrokkrError() : b.controller.signal.aborted ? shutdownBrokkrError() : err;
      for (const line of formatError(e).split("\n")) this.addLine(b, line);
      await rm(staging, { recursive: true, force: true }).catch(() => {});
      await this.finish(b, { status: b.cancelled ? "cancelled" : "failed", error: toBuildError(e), artifacts: [] });
    }
  }

  private async finish(
    b: LiveBuild,
    end: { status: "succeeded" | "failed" | "cancelled"; error: repo.BuildError | null; artifacts: ArtifactRecord[] },
  ): Promise<void> {
    const finishedAt = new Date();
    b.write(() => repo.finishBuild(this.db, b.record.id, { ...end, finishedAt }));
    try {
      await b.settled();
    } catch (err) {
      console.error(`build ${b.record.id}: database write failed: ${formatError(err)}`);
    }
    // The record turns final only now, so no reader sees an end the database does not have.
    Object.assign(b.record, { status: end.status, error: end.error, artifacts: end.artifacts });
    b.record.finishedAt = finishedAt.toISOString();
    this.inflight.delete(b.key);
    this.live.delete(b.record.id);
    // Only a build of the schematic's own resolution may become what its URLs serve.
    if (end.status === "succeeded" && b.lock === undefined) remember(this.goodBuildCache, b.record.schematicId, { ...b.record });
    this.onBuildChange(b.snapshot());
    b.notifyEnd();
  }

  private addLine(b: LiveBuild, raw: string): void {
    // Lines carry text from specs, packages and errors: terminal escapes and NULs never pass.
    const text = cleanLogLine(raw);
    const line = { n: b.lines.length, text };
    b.lines.push(text);
    b.unflushed.push(line);
    if (b.unflushed.length === 1) {
      // One insert for whatever lines arrived before the write chain got here.
      b.write(() => repo.appendLog(this.db, b.record.id, b.unflushed.splice(0)));
    }
    b.notifyLine(line);
  }

  private recordStage(b: LiveBuild, e: BuildEvent): void {
    if (e.kind === "stage") {
      const idx = b.record.stages.length;
      const stage = { name: e.stage, startedAt: new Date().toISOString(), ms: null };
      b.record.stages.push(stage);
      b.write(() => repo.insertStage(this.db, b.record.id, idx, stage));
    } else if (e.kind === "stage-done") {
      const idx = b.record.stages.findLastIndex((s) => s.name === e.stage && s.ms === null);
      const stage = b.record.stages[idx];
      if (!stage) return;
      stage.ms = e.ms;
      b.write(() => repo.finishStage(this.db, b.record.id, idx, e.ms));
    }
  }
}

const shutdownError: repo.BuildError = { code: "build.interrupted", message: "interrupted: the server shut down", hint: "start the build again" };

const cancelledError: repo.BuildError = { code: "build.cancelled", message: "cancelled", hint: "start the build again when you want it" };

function cancelledBrokkrError(): BrokkrError {
  return new BrokkrError("build.cancelled", cancelledError.message, { hint: cancelledError.hint });
}

/** All artifacts together must fit the output limit; checked before any of them is kept. */
async function checkOutputSize(dir: string, files: string[], limit: number): Promise<void> {
  let total = 0;
  for (const f of new Set(files)) {
    if (basename(f) !== f) continue; // refused below with its own message
    total += (await stat(join(dir, f)).catch(() => ({ size: 0 }))).size;
  }
  if (total > limit) {
    throw new BrokkrError("build.too-large", `the artifacts take ${(total / 1e6).toFixed(1)} MB; the limit is ${(limit / 1e6).toFixed(1)} MB`, {
      hint: "build fewer outputs or a smaller image",
    });
  }
}

function shutdownBrokkrError(): BrokkrError {
  return new BrokkrError("build.interrupted", shutdownError.message, { hint: shutdownError.hint });
}

function notFound(what: string, id: string): BrokkrError {
  return new BrokkrError("service.not-found", `no ${what} ${id}`);
}

/** The error a build row keeps: its text cleaned like log lines (a NUL would fail the jsonb write). */
function toBuildError(err: unknown): repo.BuildError {
  const { code, message, hint, problems } = errorToJson(err, { keepMessage: true });
  const clean = (p: Problem) => ({ path: cleanLogLine(p.path), message: cleanLogLine(p.message), ...(p.hint ? { hint: cleanLogLine(p.hint) } : {}) });
  return {
    code,
    message: cleanLogLine(message),
    ...(hint ? { hint: cleanLogLine(hint) } : code === "internal" ? { hint: "the build log has the details" } : {}),
    ...(problems ? { problems: problems.map(clean) } : {}),
  };
}

const cacheLimit = 10_000;

/** Map insertion order as a cheap LRU-ish bound: the oldest entry goes first. */
function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  cache.delete(key);
  cache.set(key, value);
  if (cache.size > cacheLimit) cache.delete(cache.keys().next().value as string);
}
