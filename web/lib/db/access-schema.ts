// Access control's tables (web/lib/auth): API tokens and who created which schematic.
// Re-exported by schema.ts, so drizzle-kit and both drivers see one schema.
import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const tokens = pgTable("tokens", {
  id: text("id").primaryKey(),
  /** What the operator called it (`brokkr token create NAME`); unique, so it can be revoked by name. */
  name: text("name").notNull().unique(),
  /** sha256 of the token, hex. The token itself is shown once and never stored. */
  sha256: text("sha256").notNull().unique(),
  createdAt: at("created_at").notNull().defaultNow(),
});

/** The token that first created a schematic: it alone may delete it. No row = created without a token. */
export const schematicOwners = pgTable("schematic_owners", {
  schematicId: text("schematic_id").primaryKey(),
  /** tokens.id; kept after the token is revoked (then nobody holds it). */
  tokenId: text("token_id").notNull(),
  createdAt: at("created_at").notNull().defaultNow(),
});
