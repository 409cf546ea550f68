"use client";
// Every problem of the spec in one list, each linking to the step that holds its field.
import { useConfigurator } from "./configurator-context.tsx";
import { LoginWarning } from "./login-warning.tsx";
import type { StepId } from "./step.tsx";
import { HintText } from "../ui/hint-text.tsx";

const STEP_OF: Record<string, StepId> = {
  name: "arch",
  arch: "arch",
  boot: "boot",
  kernel: "kernel",
  debian: "kernel",
  drivers: "drivers",
  ports: "ports",
  packages: "ports",
  units: "units",
  system: "system",
  outputs: "outputs",
  rootfs: "outputs",
};

function stepOf(path: string): StepId {
  return STEP_OF[path.split(/[.[]/)[0] ?? ""] ?? "arch";
}

export function ProblemList() {
  const { problems } = useConfigurator();
  if (problems.length === 0) {
    return (
      <>
        <p className="status-ok" data-testid="spec-valid">
          ✓ The form is valid: schema and catalog rules pass.
        </p>
        <LoginWarning />
      </>
    );
  }
  return (
    <div className="panel-block">
      <h3>
        {problems.length} problem{problems.length === 1 ? "" : "s"}
      </h3>
      <ul className="problem-list" data-testid="problem-list">
        {problems.map((p) => (
          <li key={`${p.path}:${p.message}`}>
            <a href={`#step-${stepOf(p.path)}`} className="mono">
              {p.path || "(spec)"}
            </a>{" "}
            {p.message}
            {p.hint ? (
              <div className="hint">
                <HintText hint={p.hint} />
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      <LoginWarning />
    </div>
  );
}
