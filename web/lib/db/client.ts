// Opens the service's database and brings its schema up to date: embedded PostgreSQL (PGlite,
// WASM, in a data directory or in memory) by default, a real PostgreSQL when a URL is given.
// Both speak the same dialect, so one schema and one set of migrations serve both.
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { BrokkrError } from "@brokkr/composer";
import * as schema from "./schema.ts";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  driver: "pglite" | "postgres";
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… — use a real PostgreSQL server. */
  url?: string;
  /** PGlite data directory; absent = in memory (tests). Ignored with `url`. */
  dataDir?: string;
}

const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) return openPostgres(opts.url);
  return openPglite(opts.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  let client: PGlite;
  try {
    client = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  } catch (cause) {
    throw new BrokkrError("io", `cannot open the embedded database in ${dataDir ?? "memory"}`, {
      cause,
      hint: "is another Brokkr server using this BROKKR_DATA_DIR? Stop it, or set another directory",
    });
  }
  const db = drizzlePglite({ client, schema });
  await migratePglite(db, { migrationsFolder });
  return { db: db as unknown as Db, driver: "pglite", close: () => client.close() };
}

async function openPostgres(url: string): Promise<Database> {
  // Migrations print NOTICEs ("schema already exists"); they are not news.
  const client = postgres(url, { max: 10, onnotice: () => {} });
  const db = drizzlePostgres({ client, schema });
  try {
    await migratePostgres(db, { migrationsFolder });
  } catch (cause) {
    await client.end({ timeout: 1 });
    throw new BrokkrError("io", `cannot open the PostgreSQL database at ${redact(url)}: ${messageOf(cause)}`, {
      cause,
      hint: "check DATABASE_URL and that the server accepts connections",
    });
  }
  return { db: db as unknown as Db, driver: "postgres", close: () => client.end({ timeout: 5 }) };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
