// API tokens: made here, stored as their sha256 only, checked in constant time. A token is
// "brokkr_" + 43 base64url characters (256 random bits), printed once by `brokkr token create`.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { asc, count, eq } from "drizzle-orm";
import { BrokkrError } from "@brokkr/composer";
import { tokens } from "../db/access-schema.ts";
import type { Db } from "../db/client.ts";

export interface TokenInfo {
  id: string;
  name: string;
  createdAt: string;
}

const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const tokenPattern = /^brokkr_[A-Za-z0-9_-]{43}$/;

export function checkTokenName(name: string): string {
  if (!namePattern.test(name)) {
    throw new BrokkrError("service.bad-request", `'${name}' is not a token name`, {
      hint: "1–64 letters, digits, '.', '_' or '-', starting with a letter or digit",
    });
  }
  return name;
}

function hashOf(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Makes a token and stores its hash; the returned token is the only copy there will ever be. */
export async function createToken(db: Db, name: string): Promise<{ token: string; info: TokenInfo }> {
  checkTokenName(name);
  const token = `brokkr_${randomBytes(32).toString("base64url")}`;
  const id = randomUUID();
  const rows = await db.insert(tokens).values({ id, name, sha256: hashOf(token) }).onConflictDoNothing().returning();
  const row = rows[0];
  if (!row) throw new BrokkrError("service.conflict", `a token named '${name}' exists`, { hint: "revoke it first, or pick another name" });
  return { token, info: { id, name, createdAt: row.createdAt.toISOString() } };
}

export async function listTokens(db: Db): Promise<TokenInfo[]> {
  const rows = await db.select().from(tokens).orderBy(asc(tokens.name));
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.createdAt.toISOString() }));
}

/** Deletes the token; what it created stays, and nobody owns it any more. */
export async function revokeToken(db: Db, name: string): Promise<void> {
  checkTokenName(name);
  const gone = await db.delete(tokens).where(eq(tokens.name, name)).returning({ id: tokens.id });
  if (gone.length === 0) throw new BrokkrError("service.not-found", `no token named '${name}'`, { hint: "brokkr token list" });
}

export async function countTokens(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(tokens);
  return row?.n ?? 0;
}

/** The token's record, or undefined for anything that is not a live token. */
export async function findToken(db: Db, token: string): Promise<TokenInfo | undefined> {
  if (!tokenPattern.test(token)) return undefined;
  const hash = hashOf(token);
  const [row] = await db.select().from(tokens).where(eq(tokens.sha256, hash));
  // The lookup is by a hash the caller cannot steer; the compare is constant time all the same.
  if (!row || !timingSafeEqual(Buffer.from(row.sha256, "hex"), Buffer.from(hash, "hex"))) return undefined;
  return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString() };
}
