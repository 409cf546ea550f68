import Link from "next/link";
import type { BuildRecord } from "../../lib/service/types.ts";
import { between, formatMs, formatTime } from "../../lib/view/format.ts";
import { StatusBadge } from "../builds/status-badge.tsx";

export function BuildHistory({ builds }: { builds: BuildRecord[] }) {
  if (builds.length === 0) return <p className="empty">Not built yet.</p>;
  return (
    <table>
      <caption className="sr-only">Builds of this schematic</caption>
      <thead>
        <tr>
          <th scope="col">Build</th>
          <th scope="col">Status</th>
          <th scope="col">Started</th>
          <th scope="col">Took</th>
          <th scope="col">Artifacts</th>
        </tr>
      </thead>
      <tbody>
        {builds.map((b) => {
          const took = between(b.startedAt, b.finishedAt);
          return (
            <tr key={b.id}>
              <td>
                <Link href={`/builds/${b.id}`} className="mono">
                  {b.id.slice(0, 8)}
                </Link>
              </td>
              <td>
                <StatusBadge status={b.status} />
              </td>
              <td className="small">{formatTime(b.startedAt ?? b.createdAt)}</td>
              <td className="small">{took === undefined ? "—" : formatMs(took)}</td>
              <td className="small">{b.artifacts.length}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
