"use client";
// "Create schematic & build": the server action stores the spec, starts a build and redirects
// to the build page; a refusal (the service checks the spec again) is shown here.
import { startTransition, useActionState, useEffect, useRef } from "react";
import type { ImageSpec } from "@brokkr/composer/browser";
import { schematicId } from "@brokkr/composer/browser";
import type { ActionFailure } from "../../lib/actions/action-result.ts";
import { encodeSpecParam, SPEC_PARAM } from "../../lib/spec/spec-url.ts";
import { rememberId } from "../../lib/view/mine.ts";
import { useConfigurator } from "./configurator-context.tsx";

export type CreateAndBuild = (
  previous: ActionFailure | null,
  spec: ImageSpec,
) => Promise<ActionFailure | null>;

export function CreateBuild(props: { action: CreateAndBuild }) {
  const { valid, spec } = useConfigurator();
  const [failure, run, pending] = useActionState(props.action, null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // Ctrl+Enter (⌘+Enter) builds from anywhere on the page; when the spec has problems it
    // brings the focus to the button, whose note says why it is disabled.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey)) return;
      e.preventDefault();
      const b = button.current;
      if (!b) return;
      if (b.disabled) {
        b.scrollIntoView({ block: "center" });
        document.getElementById("create-build-why")?.focus();
      } else b.click();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <div className="panel-block">
      <button
        ref={button}
        id="create-build"
        aria-keyshortcuts="Control+Enter Meta+Enter"
        type="button"
        className="button button-primary button-wide"
        disabled={!valid || pending}
        aria-describedby={valid ? undefined : "create-build-why"}
        onClick={() => {
          if (!valid) return;
          // The Builds and Schematics pages list what this browser made.
          rememberId(window.localStorage, schematicId(valid));
          // The address bar gets the form now: a history update of the pending one (written after
          // a pause in typing) while the action runs would cancel the action's redirect.
          const url = new URL(window.location.href);
          url.searchParams.delete("from");
          url.searchParams.set(SPEC_PARAM, encodeSpecParam(spec));
          window.history.replaceState(null, "", url);
          startTransition(() => run(valid));
        }}
      >
        {pending ? "Creating…" : "Create schematic & build"}
      </button>
      {valid ? null : (
        <p id="create-build-why" className="muted small" tabIndex={-1}>
          Fix the problems above first.
        </p>
      )}
      <p className="muted small">
        Or press <kbd>Ctrl</kbd>+<kbd>Enter</kbd> anywhere on the page.
      </p>
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
