// drizzle-kit: `npx drizzle-kit generate --config web/drizzle.config.ts` writes a new migration
// into web/lib/db/migrations after a change to web/lib/db/schema.ts. Migrations are checked in
// and applied at server start (web/lib/db/client.ts) for PGlite and PostgreSQL alike.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./web/lib/db/schema.ts",
  out: "./web/lib/db/migrations",
});
