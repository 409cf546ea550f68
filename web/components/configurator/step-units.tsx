"use client";
import type { UnitData } from "../../lib/data/catalog-data.ts";
import { Choice } from "./choice.tsx";
import { useConfigurator } from "./configurator-context.tsx";
import { FieldProblems } from "./field-problems.tsx";
import { Step } from "./step.tsx";
import { toggled } from "./toggle-list.ts";
import { UnitNames } from "./unit-names.tsx";

export function StepUnits() {
  const { spec, catalogData, update } = useConfigurator();
  const isOn = (u: UnitData) =>
    spec.units.enable.includes(u.id) || (u.default && !spec.units.disable.includes(u.id));
  const set = (u: UnitData, on: boolean) =>
    update((d) => {
      // A default unit is switched off by listing it in disable, any other on by listing it in enable.
      if (u.default) d.units.disable = toggled(d.units.disable, u.id, !on);
      else d.units.enable = toggled(d.units.enable, u.id, on);
    });
  return (
    <Step
      id="units"
      intro="Brokkr never runs maintainer scripts, so nothing is enabled by itself: these units are."
    >
      <fieldset className="choices choices-grid">
        <legend className="sr-only">Catalog units</legend>
        {catalogData.units.map((u) => (
          <Choice
            key={u.id}
            type="checkbox"
            name="units"
            value={u.id}
            checked={isOn(u)}
            label={
              <>
                {u.id} {u.default ? <span className="tag">default</span> : null}
              </>
            }
            description={
              <>
                {u.description}
                {u.requires?.packages.length ? (
                  <span className="meta">only with {u.requires.packages.join(", ")}</span>
                ) : null}
              </>
            }
            onChange={(on) => set(u, on)}
          />
        ))}
      </fieldset>
      <UnitNames list="enable" label="Other units to enable" placeholder="e.g. fstrim.timer" />
      <UnitNames list="disable" label="Units to disable" placeholder="e.g. apt-daily.timer" />
      <FieldProblems path="units" />
    </Step>
  );
}
