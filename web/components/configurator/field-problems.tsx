"use client";
// The problems of one field, right under it. The input points here with aria-describedby, so
// a screen reader reads the message with the field.
import { problemsAt, useConfigurator } from "./configurator-context.tsx";
import { HintText } from "../ui/hint-text.tsx";

export function problemDomId(path: string): string {
  return `problem-${path.replace(/[^A-Za-z0-9]+/g, "-")}`;
}

/** Props for an input: aria-invalid and the id of its message, when it has a problem. */
export function useFieldAria(path: string, exact = false) {
  const { problems } = useConfigurator();
  const has = problemsAt(problems, path, exact).length > 0;
  return has ? { "aria-invalid": true, "aria-describedby": problemDomId(path) } : {};
}

export function FieldProblems(props: { path: string; exact?: boolean }) {
  const { problems } = useConfigurator();
  const here = problemsAt(problems, props.path, props.exact);
  if (here.length === 0) return null;
  return (
    <div className="field-problems" id={problemDomId(props.path)}>
      {here.map((p) => (
        <p key={`${p.path}:${p.message}`}>
          {p.message}
          {p.hint ? (
            <span className="hint">
              {" — "}
              <HintText hint={p.hint} />
            </span>
          ) : null}
        </p>
      ))}
    </div>
  );
}
