"use server";
// Cancels a queued or running build (the build page's Cancel): the same as POST /api/builds/:id/cancel.
import { revalidatePath } from "next/cache";
import { getService } from "../service/registry.ts";
import { type ActionFailure, toFailure } from "./action-result.ts";
import { actionCaller } from "./caller.ts";

export async function cancelBuild(_previous: ActionFailure | null, buildId: string): Promise<ActionFailure | null> {
  if (!/^[0-9a-f-]{36}$/.test(buildId)) return { message: "not a build ID", problems: [] };
  try {
    await actionCaller();
    await getService().cancelBuild(buildId);
  } catch (err) {
    const failure = toFailure(err);
    if (failure) return failure;
    throw err;
  }
  revalidatePath(`/builds/${buildId}`);
  return null;
}
