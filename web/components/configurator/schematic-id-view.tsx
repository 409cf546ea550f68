"use client";
// The schematic ID of the spec as it stands, computed in the browser; only a valid spec has one.
import { useEffect, useState } from "react";
import { browserSchematicId } from "../../lib/spec/schematic-id.ts";
import { CopyButton } from "../ui/copy-button.tsx";
import { useConfigurator } from "./configurator-context.tsx";

export function SchematicIdView() {
  const { valid, problems } = useConfigurator();
  const [id, setId] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setId(null);
    if (valid) void browserSchematicId(valid).then((v) => current && setId(v));
    return () => {
      current = false;
    };
  }, [valid]);
  return (
    <div className="panel-block">
      <h3 id="schematic-id-label">Schematic ID</h3>
      {valid && id ? (
        <div className="schematic-id">
          <code data-testid="schematic-id">{id}</code>
          <CopyButton text={id} />
        </div>
      ) : (
        <p className="muted" data-testid="schematic-id-none">
          {valid
            ? "computing…"
            : `none until the ${problems.length === 1 ? "problem is" : `${problems.length} problems are`} fixed`}
        </p>
      )}
    </div>
  );
}
