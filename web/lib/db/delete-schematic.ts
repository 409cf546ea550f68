// Deleting a schematic with everything of it: its builds (their stages, logs and artifact rows go
// by cascade) and its owner row, in one transaction. The artifact blobs stay in the store until
// garbage collection finds them unreferenced.
import { and, eq, inArray } from "drizzle-orm";
import { BrokkrError } from "@brokkr/composer";
import { schematicOwners } from "./access-schema.ts";
import type { Db } from "./client.ts";
import { builds, schematics } from "./schema.ts";

/** false when there was no such schematic; refuses (409) while one of its builds is unfinished. */
export async function deleteSchematicRows(db: Db, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [unfinished] = await tx
      .select({ id: builds.id, status: builds.status })
      .from(builds)
      .where(and(eq(builds.schematicId, id), inArray(builds.status, ["queued", "running"])))
      .limit(1);
    if (unfinished) throw unfinishedError(unfinished.id, unfinished.status);
    await tx.delete(builds).where(eq(builds.schematicId, id));
    await tx.delete(schematicOwners).where(eq(schematicOwners.schematicId, id));
    const gone = await tx.delete(schematics).where(eq(schematics.id, id)).returning({ id: schematics.id });
    return gone.length > 0;
  });
}

export function unfinishedError(buildId: string, status: string): BrokkrError {
  return new BrokkrError("service.conflict", `build ${buildId} of this schematic is ${status}`, {
    hint: `cancel it first (POST /api/builds/${buildId}/cancel) or wait for it to end`,
  });
}
