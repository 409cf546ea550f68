"use client";
// The chosen ports as removable chips, so a filtered list never hides what is in the image.
import { useConfigurator } from "./configurator-context.tsx";
import { FieldProblems } from "./field-problems.tsx";

export function SelectedPorts(props: { onRemove: (id: string) => void }) {
  const { spec, catalog } = useConfigurator();
  if (spec.ports.length === 0) return <p className="selected-ports empty">No ports chosen yet.</p>;
  return (
    <div className="selected-ports">
      <span className="selected-title">Chosen ({spec.ports.length}):</span>
      <ul>
        {spec.ports.map((id, i) => (
          <li key={id} className={catalog.ports.has(id) ? "chip" : "chip chip-bad"}>
            {id}
            <button type="button" aria-label={`Remove port ${id}`} onClick={() => props.onRemove(id)}>
              ×
            </button>
            {catalog.ports.has(id) ? null : <FieldProblems path={`ports[${i}]`} exact />}
          </li>
        ))}
      </ul>
    </div>
  );
}
