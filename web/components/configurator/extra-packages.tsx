"use client";
import { useConfigurator } from "./configurator-context.tsx";
import { FieldProblems, useFieldAria } from "./field-problems.tsx";
import { ListInput } from "./list-input.tsx";

export function ExtraPackages() {
  const { spec, update } = useConfigurator();
  const aria = useFieldAria("packages");
  return (
    <div className="field">
      <label htmlFor="extra-packages">Extra Debian packages</label>
      <ListInput
        id="extra-packages"
        value={spec.packages}
        placeholder="e.g. iperf3, mtr-tiny"
        onChange={(list) => update((d) => void (d.packages = list))}
        {...aria}
      />
      <p className="field-help">By Debian package name, beside the ports; no units are enabled for them.</p>
      <FieldProblems path="packages" />
    </div>
  );
}
