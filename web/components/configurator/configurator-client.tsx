"use client";
// The configurator: the steps on the left, the live spec on the right.
import type { ImageSpec } from "@brokkr/composer/browser";
import type { CatalogData } from "../../lib/data/catalog-data.ts";
import { ConfiguratorProvider } from "./configurator-context.tsx";
import type { CreateAndBuild } from "./create-build.tsx";
import { SpecPanel } from "./spec-panel.tsx";
import { StepNav } from "./step.tsx";
import { StepArch } from "./step-arch.tsx";
import { StepBoot } from "./step-boot.tsx";
import { StepBranding } from "./step-branding.tsx";
import { StepDrivers } from "./step-drivers.tsx";
import { StepKernel } from "./step-kernel.tsx";
import { StepOutputs } from "./step-outputs.tsx";
import { StepPorts } from "./step-ports.tsx";
import { StepSystem } from "./step-system.tsx";
import { StepUnits } from "./step-units.tsx";

export function ConfiguratorClient(props: {
  catalog: CatalogData;
  initialSpec: ImageSpec;
  action: CreateAndBuild;
}) {
  return (
    <ConfiguratorProvider catalogData={props.catalog} initialSpec={props.initialSpec}>
      <a className="skip-link" href="#create-build">
        Skip to Create schematic &amp; build
      </a>
      <div className="configurator">
        <StepNav />
        <form className="steps" aria-label="Image configurator" onSubmit={(e) => e.preventDefault()}>
          <StepArch />
          <StepBoot />
          <StepKernel />
          <StepDrivers />
          <StepPorts />
          <StepUnits />
          <StepSystem />
          <StepBranding />
          <StepOutputs />
        </form>
        <SpecPanel action={props.action} />
      </div>
    </ConfiguratorProvider>
  );
}
