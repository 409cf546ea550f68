"use client";
// The Schematics page: what this browser made, newest first, each with its latest build.
import Link from "next/link";
import { useState } from "react";
import { forgetId } from "../../lib/view/mine.ts";
import { formatTime } from "../../lib/view/format.ts";
import { StatusBadge } from "../builds/status-badge.tsx";
import { NothingYet, NotAnswered } from "./nothing-yet.tsx";
import { useMine } from "./use-mine.ts";

export function MySchematics() {
  const [version, setVersion] = useState(0);
  const mine = useMine({}, version);
  if (mine === "loading") return <p className="muted">Loading…</p>;
  if (mine === "none") return <NothingYet />;
  if (!mine.ok) return <NotAnswered message={mine.message} />;
  return (
    <div className="table-wrap">
      <table data-testid="my-schematics">
        <caption className="sr-only">Schematics made in this browser, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Created</th>
            <th scope="col">Builds</th>
            <th scope="col">Latest build</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {mine.schematics.map((s) => (
            <tr key={s.id}>
              <th scope="row">
                <Link href={`/s/${s.id}`}>{s.name}</Link> <span className="muted small">{s.arch}</span>
                <div className="mono small muted">{s.id.slice(0, 16)}…</div>
              </th>
              <td className="small">{formatTime(s.createdAt)}</td>
              <td>{s.builds}</td>
              <td>
                {s.latest ? (
                  <Link href={`/builds/${s.latest.id}`} aria-label={`Latest build of ${s.name}`}>
                    <StatusBadge status={s.latest.status} />
                  </Link>
                ) : (
                  "—"
                )}
              </td>
              <td>
                <button
                  type="button"
                  className="button button-quiet"
                  onClick={() => {
                    forgetId(window.localStorage, s.id);
                    setVersion((v) => v + 1);
                  }}
                >
                  Forget {s.name}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Forget removes it from this list only: the schematic stays on the server, for anyone with its ID.
      </p>
    </div>
  );
}
