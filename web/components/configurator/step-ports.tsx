"use client";
import { useMemo, useState } from "react";
import { whyNotPort } from "../../lib/spec/choices.ts";
import { Choice } from "./choice.tsx";
import { useConfigurator } from "./configurator-context.tsx";
import { ExtraPackages } from "./extra-packages.tsx";
import { FieldProblems } from "./field-problems.tsx";
import { matchesQuery } from "./port-filter.ts";
import { SelectedPorts } from "./selected-ports.tsx";
import { Step } from "./step.tsx";
import { toggled } from "./toggle-list.ts";

export function StepPorts() {
  const { spec, catalog, catalogData, update } = useConfigurator();
  const [query, setQuery] = useState("");
  const [category, setCategory] = useState<string | null>(null);
  const categories = useMemo(() => [...new Set(catalogData.ports.map((p) => p.category))], [catalogData]);
  const shown = catalogData.ports.filter(
    (p) => (category === null || p.category === category) && matchesQuery(p, query),
  );
  const set = (id: string, on: boolean) => update((d) => void (d.ports = toggled(d.ports, id, on)));
  return (
    <Step id="ports" intro="Software from Debian packages, with the units it needs enabled.">
      <div className="port-tools">
        <div className="field">
          <label htmlFor="port-search">Search ports</label>
          <input
            id="port-search"
            type="search"
            value={query}
            placeholder="name, description or package, e.g. ssh"
            onChange={(e) => setQuery(e.currentTarget.value)}
          />
        </div>
        <fieldset className="category-filter">
          <legend className="sr-only">Category</legend>
          {[null, ...categories].map((c) => (
            <button
              key={c ?? "all"}
              type="button"
              className="pill"
              aria-pressed={category === c}
              onClick={() => setCategory(c)}
            >
              {c ?? "all"}
            </button>
          ))}
        </fieldset>
      </div>
      <SelectedPorts onRemove={(id) => set(id, false)} />
      <fieldset className="choices choices-grid port-list">
        <legend className="sr-only">Ports</legend>
        {shown.length === 0 ? <p className="empty">No port matches “{query}”.</p> : null}
        {shown.map((port) => (
          <div key={port.id}>
            <Choice
              type="checkbox"
              name="ports"
              value={port.id}
              checked={spec.ports.includes(port.id)}
              label={
                <>
                  {port.id} <span className="tag">{port.category}</span>
                </>
              }
              description={
                <>
                  {port.description}
                  <span className="meta mono">{port.packages.join(" ")}</span>
                </>
              }
              reason={whyNotPort(spec, catalog, port.id)}
              onChange={(on) => set(port.id, on)}
            />
            {spec.ports.includes(port.id) ? (
              <FieldProblems path={`ports[${spec.ports.indexOf(port.id)}]`} exact />
            ) : null}
          </div>
        ))}
      </fieldset>
      <ExtraPackages />
    </Step>
  );
}
