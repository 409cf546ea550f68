"use client";
import { joinCmdline, splitCmdline } from "../../lib/spec/cmdline.ts";
import { useConfigurator } from "./configurator-context.tsx";
import { FieldProblems, useFieldAria } from "./field-problems.tsx";
import { ListInput } from "./list-input.tsx";

export function CmdlineInput() {
  const { spec, update } = useConfigurator();
  const aria = useFieldAria("boot.cmdline");
  return (
    <div className="field">
      <label htmlFor="boot-cmdline">Extra kernel arguments</label>
      <ListInput
        id="boot-cmdline"
        value={spec.boot.cmdline}
        split={splitCmdline}
        join={joinCmdline}
        placeholder="quiet loglevel=3"
        onChange={(list) => update((d) => void (d.boot.cmdline = list))}
        {...aria}
      />
      <p className="field-help">Space-separated, kept in this order after Brokkr&apos;s own (console=…).</p>
      <FieldProblems path="boot.cmdline" />
    </div>
  );
}
