"use server";
// Stores the spec as a schematic (the service checks it again: the browser is not trusted),
// starts its build and goes to the build page.
import { redirect } from "next/navigation";
import type { ImageSpec } from "@brokkr/composer/browser";
import { getService } from "../service/registry.ts";
import { type ActionFailure, toFailure } from "./action-result.ts";
import { actionCaller } from "./caller.ts";

export async function createAndBuild(
  _previous: ActionFailure | null,
  spec: ImageSpec,
): Promise<ActionFailure | null> {
  let buildId: string;
  try {
    const { access, identity } = await actionCaller();
    const service = getService();
    const schematic = await service.createSchematic(spec);
    await access?.recordCreator(schematic.id, identity);
    buildId = (await service.startBuild(schematic.id)).id;
  } catch (err) {
    const failure = toFailure(err);
    if (failure) return failure;
    throw err;
  }
  redirect(`/builds/${encodeURIComponent(buildId)}`);
}
