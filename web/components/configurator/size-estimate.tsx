"use client";
import { useMemo } from "react";
import { estimateSize } from "../../lib/spec/estimate-size.ts";
import { useConfigurator } from "./configurator-context.tsx";

export function SizeEstimate() {
  const { spec, catalog } = useConfigurator();
  const size = useMemo(() => estimateSize(spec, catalog), [spec, catalog]);
  return (
    <div className="panel-block">
      <h3>Estimated size</h3>
      <p>
        <strong data-testid="size-estimate">≈ {size.totalMB} MB</strong>{" "}
        <span className="muted">
          per image (estimate: base system + {size.packages} package{size.packages === 1 ? "" : "s"}; the
          build reports the real sizes)
        </span>
      </p>
    </div>
  );
}
