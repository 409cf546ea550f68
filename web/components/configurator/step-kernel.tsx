"use client";
import { ARCHES } from "@brokkr/composer/browser";
import { whyNotKernel } from "../../lib/spec/choices.ts";
import { Choice } from "./choice.tsx";
import { useConfigurator } from "./configurator-context.tsx";
import { DebianArchive } from "./debian-archive.tsx";
import { FieldProblems } from "./field-problems.tsx";
import { Step } from "./step.tsx";

export function StepKernel() {
  const { spec, catalog, catalogData, update } = useConfigurator();
  return (
    <Step id="kernel" intro="The kernel package, and the Debian archive every package comes from.">
      <fieldset className="choices">
        <legend>Kernel</legend>
        {catalogData.kernels.map((k) => {
          const here = k.arches[spec.arch];
          const where = ARCHES.filter((a) => k.arches[a]).join(", ");
          return (
            <Choice
              key={k.id}
              type="radio"
              name="kernel"
              value={k.id}
              checked={spec.kernel === k.id}
              label={k.id}
              description={
                <>
                  {k.description}
                  <span className="meta">
                    {here ? `started by ${here.protocols.join(", ")} on ${spec.arch}` : `for ${where}`}
                    {k.dom0 ? ` · dom0: ${k.dom0}` : ""}
                  </span>
                </>
              }
              reason={whyNotKernel(spec, catalog, k.id)}
              onChange={() => update((d) => void (d.kernel = k.id))}
            />
          );
        })}
      </fieldset>
      <FieldProblems path="kernel" />
      <DebianArchive />
    </Step>
  );
}
