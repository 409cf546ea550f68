// Who may write. Reads are public (IDs are unguessable). Writes need a token once at least one
// token exists; before that anyone who can reach the server may write, which is why the server
// then binds to loopback (see web/server/config.ts). The token comes as `Authorization: Bearer`
// (CLI, CI) or in the UI's session cookie; it is never logged.
import { eq } from "drizzle-orm";
import { BrokkrError } from "@brokkr/composer";
import { schematicOwners } from "../db/access-schema.ts";
import type { Db } from "../db/client.ts";
import { countTokens, createToken, findToken, listTokens, revokeToken, type TokenInfo } from "./tokens.ts";

/** A caller that showed a live token. */
export interface Identity {
  tokenId: string;
  name: string;
}

export class Access {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** Asked per request, not cached: `brokkr token` may change the tokens from another process. */
  async required(): Promise<boolean> {
    return (await countTokens(this.db)) > 0;
  }

  /**
   * For a write: the caller's identity, or undefined when no token is configured (anyone may
   * write). Throws 401 when tokens are configured and `token` is missing or not a live one.
   */
  async authorize(token: string | undefined): Promise<Identity | undefined> {
    if (!(await this.required())) return undefined;
    const found = token ? await findToken(this.db, token) : undefined;
    if (!found) {
      throw new BrokkrError("service.unauthorized", token ? "that token is not valid (revoked, or never made here)" : "this server needs a token to change anything", {
        hint: "send Authorization: Bearer <token> (brokkr remote: set BROKKR_TOKEN); the operator makes one with `brokkr token create NAME`",
      });
    }
    return { tokenId: found.id, name: found.name };
  }

  /** Remembers the first token to create a schematic: the one that may delete it. */
  async recordCreator(schematicId: string, who: Identity | undefined): Promise<void> {
    if (!who) return;
    await this.db.insert(schematicOwners).values({ schematicId, tokenId: who.tokenId }).onConflictDoNothing();
  }

  async ownerOf(schematicId: string): Promise<string | undefined> {
    const [row] = await this.db.select().from(schematicOwners).where(eq(schematicOwners.schematicId, schematicId));
    return row?.tokenId;
  }

  async forgetOwner(schematicId: string): Promise<void> {
    await this.db.delete(schematicOwners).where(eq(schematicOwners.schematicId, schematicId));
  }

  createToken(name: string): Promise<{ token: string; info: TokenInfo }> {
    return createToken(this.db, name);
  }

  listTokens(): Promise<TokenInfo[]> {
    return listTokens(this.db);
  }

  revokeToken(name: string): Promise<void> {
    return revokeToken(this.db, name);
  }
}

/** The token of a request: `Authorization: Bearer <token>`, else the UI's session cookie. */
export function tokenOf(headers: { authorization?: string | undefined; cookie?: string | undefined }): string | undefined {
  const auth = headers.authorization;
  if (auth) {
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(auth);
    return m?.[1] ?? "";
  }
  const cookie = headers.cookie;
  if (!cookie) return undefined;
  for (const part of cookie.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === "brokkr_token") return part.slice(eq + 1).trim();
  }
  return undefined;
}
