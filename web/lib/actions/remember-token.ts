"use server";
// The token prompt's action: checks the token and keeps it in an HttpOnly, SameSite=Strict
// cookie for this browser session (no Max-Age), which the API and the other actions accept.
import { cookies, headers } from "next/headers";
import { accessIfRunning, tokenCookie } from "../auth/registry.ts";
import { type ActionFailure, toFailure } from "./action-result.ts";

export async function rememberToken(_previous: ActionFailure | null, token: string): Promise<ActionFailure | null> {
  const access = accessIfRunning();
  if (!access) return { message: "the image service is not running in this process", problems: [] };
  const value = token.trim();
  try {
    await access.authorize(value);
  } catch (err) {
    const failure = toFailure(err);
    if (failure) return failure;
    throw err;
  }
  const secure = ((await headers()).get("origin") ?? "").startsWith("https:");
  (await cookies()).set(tokenCookie, value, { httpOnly: true, sameSite: "strict", path: "/", secure });
  return null;
}
