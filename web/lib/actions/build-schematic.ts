"use server";
// Builds a stored schematic again (or joins its running build) and goes to the build page.
import { redirect } from "next/navigation";
import { getService } from "../service/registry.ts";
import { type ActionFailure, toFailure } from "./action-result.ts";
import { actionCaller } from "./caller.ts";

export async function buildSchematic(
  _previous: ActionFailure | null,
  schematicId: string,
): Promise<ActionFailure | null> {
  if (!/^[0-9a-f]{64}$/.test(schematicId)) return { message: "not a schematic ID", problems: [] };
  let buildId: string;
  try {
    await actionCaller();
    buildId = (await getService().startBuild(schematicId)).id;
  } catch (err) {
    const failure = toFailure(err);
    if (failure) return failure;
    throw err;
  }
  redirect(`/builds/${encodeURIComponent(buildId)}`);
}
