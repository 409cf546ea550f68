import type { StageRecord } from "../../lib/service/types.ts";
import { formatMs } from "../../lib/view/format.ts";

export function StageList({ stages, running }: { stages: StageRecord[]; running: boolean }) {
  if (stages.length === 0)
    return <p className="empty">{running ? "Waiting for the first stage…" : "No stages."}</p>;
  const total = stages.reduce((n, s) => n + (s.ms ?? 0), 0) || 1;
  return (
    <ol className="stages" data-testid="stages">
      {stages.map((s) => (
        <li key={`${s.name}-${s.startedAt}`} className={s.ms === null ? "stage stage-running" : "stage"}>
          <span className="stage-name mono">{s.name}</span>
          <span className="stage-bar" aria-hidden="true">
            <span style={{ width: `${Math.max(2, ((s.ms ?? 0) / total) * 100)}%` }} />
          </span>
          <span className="stage-ms">{s.ms === null ? "running…" : formatMs(s.ms)}</span>
        </li>
      ))}
    </ol>
  );
}
