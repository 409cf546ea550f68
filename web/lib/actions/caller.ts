// Server-only: who is behind a server action. The browser holds its token in the session cookie
// the token prompt sets (remember-token.ts); the same check as the API's `Authorization: Bearer`.
import "server-only";
import { cookies } from "next/headers";
import type { Access, Identity } from "../auth/access.ts";
import { accessIfRunning, tokenCookie } from "../auth/registry.ts";

/** Throws the 401 BrokkrError when tokens are configured and the cookie holds no live one. */
export async function actionCaller(): Promise<{ access: Access | undefined; identity: Identity | undefined }> {
  const access = accessIfRunning();
  if (!access) return { access, identity: undefined };
  const token = (await cookies()).get(tokenCookie)?.value;
  return { access, identity: await access.authorize(token) };
}

/** For the token prompt: true when this server wants a token and the browser has no live one. */
export async function tokenMissing(): Promise<boolean> {
  try {
    await actionCaller();
    return false;
  } catch {
    return true;
  }
}
