"use client";
// Free unit names (units shipped by packages) for units.enable or units.disable. Catalog ids in
// the same list are handled by the checkboxes above and kept as they are.
import { useConfigurator } from "./configurator-context.tsx";
import { ListInput } from "./list-input.tsx";

export function UnitNames(props: { list: "enable" | "disable"; label: string; placeholder: string }) {
  const { spec, catalog, update } = useConfigurator();
  const all = spec.units[props.list];
  const names = all.filter((u) => !catalog.units.has(u));
  const id = `units-${props.list}`;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <ListInput
        id={id}
        value={names}
        placeholder={props.placeholder}
        onChange={(list) =>
          update((d) => {
            d.units[props.list] = [...d.units[props.list].filter((u) => catalog.units.has(u)), ...list];
          })
        }
      />
    </div>
  );
}
