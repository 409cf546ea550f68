import Link from "next/link";
import type { BuildRecord } from "../../lib/service/types.ts";
import { between, formatMs, formatTime } from "../../lib/view/format.ts";
import { StatusBadge } from "./status-badge.tsx";

export function BuildSummary({ build }: { build: BuildRecord }) {
  const took = between(build.startedAt, build.finishedAt);
  return (
    <section className="card" aria-labelledby="summary-title">
      <h2 id="summary-title">
        Status <StatusBadge status={build.status} />
      </h2>
      <dl className="key-value">
        <dt>Schematic</dt>
        <dd>
          <Link href={`/s/${build.schematicId}`} className="mono">
            {build.schematicId}
          </Link>
        </dd>
        <dt>Build</dt>
        <dd className="mono">{build.id}</dd>
        <dt>Queued</dt>
        <dd>{formatTime(build.createdAt)}</dd>
        {build.startedAt ? (
          <>
            <dt>Started</dt>
            <dd>{formatTime(build.startedAt)}</dd>
          </>
        ) : null}
        {took !== undefined ? (
          <>
            <dt>Took</dt>
            <dd>{formatMs(took)}</dd>
          </>
        ) : null}
      </dl>
      {build.error ? (
        <div className="field-problems" role="alert" data-testid="build-error">
          <p>
            <span className="mono">{build.error.code}</span>: {build.error.message}
          </p>
          {build.error.hint ? <p className="hint">{build.error.hint}</p> : null}
        </div>
      ) : null}
    </section>
  );
}
