"use client";
// The schematic ID of the spec as it stands, computed in the browser by the composer's own code;
// only a valid spec has one.
import { useMemo } from "react";
import { schematicId } from "@brokkr/composer/browser";
import { CopyButton } from "../ui/copy-button.tsx";
import { useConfigurator } from "./configurator-context.tsx";

export function SchematicIdView() {
  const { valid, problems } = useConfigurator();
  const id = useMemo(() => (valid ? schematicId(valid) : null), [valid]);
  return (
    <div className="panel-block">
      <h3 id="schematic-id-label">Schematic ID</h3>
      {id ? (
        <div className="schematic-id">
          <code data-testid="schematic-id">{id}</code>
          <CopyButton text={id} />
        </div>
      ) : (
        <p className="muted" data-testid="schematic-id-none">
          {`none until the ${problems.length === 1 ? "problem is" : `${problems.length} problems are`} fixed`}
        </p>
      )}
    </div>
  );
}
