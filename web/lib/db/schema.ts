// The image service's state, one schema for both drivers (embedded PGlite and PostgreSQL).
// Artifacts themselves live in the content-addressed store on disk; rows only name them.
import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  json,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const schematics = pgTable("schematics", {
  /** sha256 of the canonical spec: 64 lowercase hex digits. */
  id: text("id").primaryKey(),
  /** The normalized spec (defaults applied), as the ID was computed from it. `json`, not
   * `jsonb`: it keeps the spec's key order, so it reads back as written. */
  spec: json("spec").notNull(),
  createdAt: at("created_at").notNull().defaultNow(),
});

export const builds = pgTable(
  "builds",
  {
    id: text("id").primaryKey(),
    schematicId: text("schematic_id")
      .notNull()
      .references(() => schematics.id),
    /** sha256 of the canonical lock the build was asked to reproduce; "" for a fresh resolve. */
    lockKey: text("lock_key").notNull().default(""),
    lock: jsonb("lock"),
    status: text("status").notNull(),
    /** Who asked: "token:<name>" or "ip:<address>" (limits count by it). */
    client: text("client").notNull().default(""),
    /** The composer's errata version that made (or makes) this build's bytes. */
    errata: integer("errata").notNull().default(0),
    /** Lower runs first: 0 asked by a person, 1 started by a PXE request, 2 a rebuild after an upgrade. */
    priority: integer("priority").notNull().default(0),
    /** { code, message, hint? } when failed. */
    error: jsonb("error"),
    createdAt: at("created_at").notNull().defaultNow(),
    startedAt: at("started_at"),
    finishedAt: at("finished_at"),
  },
  (t) => [
    check("builds_status_check", sql`${t.status} in ('queued', 'running', 'succeeded', 'failed', 'cancelled')`),
    index("builds_schematic_idx").on(t.schematicId, t.createdAt),
    index("builds_client_idx").on(t.client, t.status),
    // Single flight across processes too: one unfinished build per schematic and lock.
    uniqueIndex("builds_unfinished_uq")
      .on(t.schematicId, t.lockKey)
      .where(sql`${t.status} in ('queued', 'running')`),
  ],
);

export const buildStages = pgTable(
  "build_stages",
  {
    buildId: text("build_id")
      .notNull()
      .references(() => builds.id, { onDelete: "cascade" }),
    /** Order of the stage within its build. */
    idx: integer("idx").notNull(),
    name: text("name").notNull(),
    startedAt: at("started_at").notNull(),
    ms: integer("ms"),
  },
  (t) => [primaryKey({ columns: [t.buildId, t.idx] })],
);

export const buildLogs = pgTable(
  "build_logs",
  {
    buildId: text("build_id")
      .notNull()
      .references(() => builds.id, { onDelete: "cascade" }),
    /** 0-based line number: the SSE event id. */
    n: integer("n").notNull(),
    text: text("text").notNull(),
  },
  (t) => [primaryKey({ columns: [t.buildId, t.n] })],
);

export const artifacts = pgTable(
  "artifacts",
  {
    buildId: text("build_id")
      .notNull()
      .references(() => builds.id, { onDelete: "cascade" }),
    file: text("file").notNull(),
    sha256: text("sha256").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.buildId, t.file] }), index("artifacts_sha256_idx").on(t.sha256)],
);

/** Uploaded branding (splash, wallpaper), kept in the same content-addressed store. */
export const assets = pgTable("assets", {
  sha256: text("sha256").primaryKey(),
  name: text("name").notNull(),
  contentType: text("content_type").notNull(),
  size: bigint("size", { mode: "number" }).notNull(),
  /** Pixel size of an image asset (the splash BMP). */
  width: integer("width"),
  height: integer("height"),
  /** sha256 of its PNG preview in the store, for the UI. */
  thumbnail: text("thumbnail"),
  createdAt: at("created_at").notNull().defaultNow(),
});

/** Write requests per client, for the write-rate limit across processes; old rows are pruned. */
export const clientWrites = pgTable(
  "client_writes",
  {
    client: text("client").notNull(),
    at: at("at").notNull().defaultNow(),
  },
  (t) => [index("client_writes_client_at_idx").on(t.client, t.at)],
);

export * from "./access-schema.ts";
