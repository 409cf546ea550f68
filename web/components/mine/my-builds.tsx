"use client";
// The Builds page: every build of this browser's schematics, newest first, by status and
// schematic, a page at a time.
import Link from "next/link";
import { useState } from "react";
import type { BuildStatus } from "../../lib/service/types.ts";
import { between, formatMs, formatTime } from "../../lib/view/format.ts";
import { StatusBadge } from "../builds/status-badge.tsx";
import { NothingYet, NotAnswered } from "./nothing-yet.tsx";
import { useMine } from "./use-mine.ts";

const STATUSES: (BuildStatus | "all")[] = ["all", "queued", "running", "succeeded", "failed", "cancelled"];

export function MyBuilds() {
  const [status, setStatus] = useState<BuildStatus | "all">("all");
  const [schematic, setSchematic] = useState("");
  const [page, setPage] = useState(1);
  const mine = useMine({ status, schematic: schematic || undefined, page });
  if (mine === "loading") return <p className="muted">Loading…</p>;
  if (mine === "none") return <NothingYet />;
  if (!mine.ok) return <NotAnswered message={mine.message} />;
  return (
    <>
      <search className="filters" aria-label="Filter builds">
        <div className="field field-narrow">
          <label htmlFor="filter-status">Status</label>
          <select
            id="filter-status"
            value={status}
            onChange={(e) => {
              setStatus(e.currentTarget.value as BuildStatus | "all");
              setPage(1);
            }}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-narrow">
          <label htmlFor="filter-schematic">Schematic</label>
          <select
            id="filter-schematic"
            value={schematic}
            onChange={(e) => {
              setSchematic(e.currentTarget.value);
              setPage(1);
            }}
          >
            <option value="">all</option>
            {mine.schematics.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.id.slice(0, 8)})
              </option>
            ))}
          </select>
        </div>
      </search>
      {mine.builds.length === 0 ? (
        <p className="muted">No build matches.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="my-builds">
            <caption className="sr-only">Builds, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Status</th>
                <th scope="col">Schematic</th>
                <th scope="col">Took</th>
              </tr>
            </thead>
            <tbody>
              {mine.builds.map((b) => {
                const took = between(b.startedAt, b.finishedAt);
                return (
                  <tr key={b.id}>
                    <th scope="row">
                      <Link href={`/builds/${b.id}`} aria-label={`Build of ${b.name} at ${formatTime(b.createdAt)}`}>
                        {formatTime(b.createdAt)}
                      </Link>
                    </th>
                    <td>
                      <StatusBadge status={b.status} />
                    </td>
                    <td>
                      <Link href={`/s/${b.schematicId}`}>{b.name}</Link>{" "}
                      <span className="mono small muted">{b.schematicId.slice(0, 12)}…</span>
                    </td>
                    <td className="small">{took === undefined ? "—" : formatMs(took)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <nav className="pager" aria-label="Pages">
        <button type="button" className="button" disabled={mine.page <= 1} onClick={() => setPage(mine.page - 1)}>
          ← Newer
        </button>
        <span data-testid="pager">
          Page {mine.page} of {mine.pages} · {mine.total} build{mine.total === 1 ? "" : "s"}
        </span>
        <button
          type="button"
          className="button"
          disabled={mine.page >= mine.pages}
          onClick={() => setPage(mine.page + 1)}
        >
          Older →
        </button>
      </nav>
    </>
  );
}
