"use server";
// The builds and schematics of the IDs a browser sends: the server lists no ID it was not given,
// since a schematic ID is the capability that keeps its spec private.
import { serviceIfRunning } from "../data/service.ts";
import type { BuildRecord, BuildStatus } from "../service/types.ts";

/** IDs one request may ask about; a browser keeps at most this many (lib/view/mine.ts). */
const MAX_IDS = 200;
const PAGE_SIZE = 20;

export interface SchematicRow {
  id: string;
  name: string;
  arch: string;
  createdAt: string;
  builds: number;
  latest: { id: string; status: BuildStatus; createdAt: string } | null;
}

export interface BuildRow {
  id: string;
  status: BuildStatus;
  schematicId: string;
  name: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type Mine =
  | { ok: true; schematics: SchematicRow[]; builds: BuildRow[]; total: number; page: number; pages: number }
  | { ok: false; message: string };

export interface MineQuery {
  ids: string[];
  status?: BuildStatus | "all";
  schematic?: string;
  page?: number;
}

export async function listMine(query: MineQuery): Promise<Mine> {
  const service = serviceIfRunning();
  if (!service) return { ok: false, message: "The image service is not running here (start it with npm start)." };
  const ids = [...new Set(Array.isArray(query.ids) ? query.ids : [])]
    .filter((id) => typeof id === "string" && /^[0-9a-f]{64}$/.test(id))
    .slice(0, MAX_IDS);
  const found = await Promise.all(
    ids.map(async (id) => {
      const schematic = await service.getSchematic(id);
      return schematic ? { schematic, builds: await service.listBuilds(id) } : undefined;
    }),
  );
  const schematics: SchematicRow[] = [];
  let builds: BuildRow[] = [];
  for (const f of found) {
    if (!f) continue;
    const newest = [...f.builds].sort(byNewest)[0];
    schematics.push({
      id: f.schematic.id,
      name: f.schematic.spec.name,
      arch: f.schematic.spec.arch,
      createdAt: f.schematic.createdAt,
      builds: f.builds.length,
      latest: newest ? { id: newest.id, status: newest.status, createdAt: newest.createdAt } : null,
    });
    builds.push(...f.builds.map((b) => toRow(b, f.schematic.spec.name)));
  }
  schematics.sort(byNewest);
  builds.sort(byNewest);
  if (query.status && query.status !== "all") builds = builds.filter((b) => b.status === query.status);
  if (query.schematic) builds = builds.filter((b) => b.schematicId === query.schematic);
  const pages = Math.max(1, Math.ceil(builds.length / PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(Number(query.page) || 1)), pages);
  return {
    ok: true,
    schematics,
    builds: builds.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
    total: builds.length,
    page,
    pages,
  };
}

function toRow(b: BuildRecord, name: string): BuildRow {
  const { id, status, schematicId, createdAt, startedAt, finishedAt } = b;
  return { id, status, schematicId, name, createdAt, startedAt, finishedAt };
}

function byNewest(a: { createdAt: string }, b: { createdAt: string }): number {
  return a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0;
}
