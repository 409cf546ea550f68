"use client";
// A button that runs a server action with one argument and shows its refusal, if any.
import { startTransition, useActionState } from "react";
import type { ActionFailure } from "../../lib/actions/action-result.ts";

export function ActionButton<T>(props: {
  action: (previous: ActionFailure | null, arg: T) => Promise<ActionFailure | null>;
  arg: T;
  label: string;
  pendingLabel: string;
  className?: string;
}) {
  const [failure, run, pending] = useActionState(props.action, null);
  return (
    <>
      <button
        type="button"
        className={props.className ?? "button button-primary"}
        disabled={pending}
        onClick={() => startTransition(() => run(props.arg))}
      >
        {pending ? props.pendingLabel : props.label}
      </button>
      {failure ? (
        <p className="field-problems" role="alert">
          {failure.message}
          {failure.hint ? <span className="hint"> — {failure.hint}</span> : null}
        </p>
      ) : null}
    </>
  );
}
