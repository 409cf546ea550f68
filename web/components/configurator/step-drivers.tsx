"use client";
import type { Driver } from "@brokkr/composer/browser";
import { whyNotDriver } from "../../lib/spec/choices.ts";
import { Choice } from "./choice.tsx";
import { useConfigurator } from "./configurator-context.tsx";
import { FieldProblems } from "./field-problems.tsx";
import { Step } from "./step.tsx";
import { toggled } from "./toggle-list.ts";

export function StepDrivers() {
  const { spec, catalog, catalogData, update } = useConfigurator();
  const unknown = spec.drivers.filter((id) => !catalog.drivers.has(id));
  const set = (id: string, on: boolean) => update((d) => void (d.drivers = toggled(d.drivers, id, on)));
  return (
    <Step
      id="drivers"
      intro={`Kernel modules that go into the image. Where Debian's kernel cannot serve a device on ${spec.arch}, the catalog says why.`}
    >
      <fieldset className="choices choices-grid">
        <legend className="sr-only">Drivers</legend>
        {catalogData.drivers.map((driver) => (
          <div key={driver.id}>
            <Choice
              type="checkbox"
              name="drivers"
              value={driver.id}
              checked={spec.drivers.includes(driver.id)}
              label={driver.id}
              description={<DriverAbout driver={driver} />}
              reason={whyNotDriver(catalog, driver.id, spec.arch)}
              onChange={(on) => set(driver.id, on)}
            />
            {spec.drivers.includes(driver.id) ? (
              <FieldProblems path={`drivers[${spec.drivers.indexOf(driver.id)}]`} exact />
            ) : null}
          </div>
        ))}
        {unknown.map((id) => (
          <div key={id}>
            <Choice
              type="checkbox"
              name="drivers"
              value={id}
              checked
              label={id}
              onChange={(on) => set(id, on)}
            />
            <FieldProblems path={`drivers[${spec.drivers.indexOf(id)}]`} exact />
          </div>
        ))}
      </fieldset>
    </Step>
  );
}

function DriverAbout({ driver }: { driver: Driver }) {
  return (
    <>
      {driver.description}
      <span className="meta">{driver.hardware}</span>
      <span className="meta mono">
        {driver.modules.join(" ")}
        {driver.firmwarePackages.length > 0 ? ` · firmware: ${driver.firmwarePackages.join(", ")}` : ""}
      </span>
    </>
  );
}
