import type { BuildStatus } from "../../lib/service/types.ts";

export function StatusBadge({ status }: { status: BuildStatus }) {
  return (
    <span className={`status status-${status}`} data-testid="build-status">
      {status}
    </span>
  );
}
