"use client";
// One option of a step: a real radio or checkbox with its label, a description, and, when it
// cannot be chosen with the rest of the spec, why not. A chosen option is never disabled, so
// it can always be unchosen.
import { useId } from "react";

export interface ChoiceProps {
  type: "radio" | "checkbox";
  name: string;
  value: string;
  checked: boolean;
  label: React.ReactNode;
  description?: React.ReactNode;
  /** Why this option does not fit; shown, and the option disabled, unless it is checked. */
  reason?: string | undefined;
  onChange: (checked: boolean) => void;
}

export function Choice(props: ChoiceProps) {
  const id = useId();
  // A checked option that does not fit is reported under its field, not twice.
  const reason = props.checked ? undefined : props.reason;
  const disabled = reason !== undefined;
  const reasonId = `${id}-reason`;
  return (
    <div className={`choice${disabled ? " choice-disabled" : ""}${props.checked ? " choice-checked" : ""}`}>
      <input
        id={id}
        type={props.type}
        name={props.name}
        value={props.value}
        checked={props.checked}
        disabled={disabled}
        aria-describedby={reason ? reasonId : undefined}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />
      <label htmlFor={id}>
        <span className="choice-label">{props.label}</span>
        {props.description ? <span className="choice-description">{props.description}</span> : null}
        {reason ? (
          <span className="choice-reason" id={reasonId}>
            {reason}
          </span>
        ) : null}
      </label>
    </div>
  );
}
