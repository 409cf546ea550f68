"use client";
// "Create schematic & build": the server action stores the spec, starts a build and redirects
// to the build page; a refusal (the service checks the spec again) is shown here.
import { startTransition, useActionState } from "react";
import type { ImageSpec } from "@brokkr/composer/browser";
import type { ActionFailure } from "../../lib/actions/action-result.ts";
import { useConfigurator } from "./configurator-context.tsx";

export type CreateAndBuild = (
  previous: ActionFailure | null,
  spec: ImageSpec,
) => Promise<ActionFailure | null>;

export function CreateBuild(props: { action: CreateAndBuild }) {
  const { valid } = useConfigurator();
  const [failure, run, pending] = useActionState(props.action, null);
  return (
    <div className="panel-block">
      <button
        type="button"
        className="button button-primary button-wide"
        disabled={!valid || pending}
        aria-describedby={valid ? undefined : "create-build-why"}
        onClick={() => valid && startTransition(() => run(valid))}
      >
        {pending ? "Creating…" : "Create schematic & build"}
      </button>
      {valid ? null : (
        <p id="create-build-why" className="muted small">
          Fix the problems above first.
        </p>
      )}
      {failure ? (
        <div className="field-problems" role="alert" data-testid="create-failure">
          <p>
            {failure.message}
            {failure.hint ? <span className="hint"> — {failure.hint}</span> : null}
          </p>
          <ul>
            {failure.problems.map((p) => (
              <li key={`${p.path}:${p.message}`}>
                <span className="mono">{p.path}</span> {p.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
