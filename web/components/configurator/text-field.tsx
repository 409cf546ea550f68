"use client";
// A labelled text input bound to one string field of the spec, with its problems under it.
import { FieldProblems, useFieldAria } from "./field-problems.tsx";

export interface TextFieldProps {
  /** The spec path, e.g. system.hostname; also names the input. */
  path: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  help?: string;
  placeholder?: string;
  list?: string;
  narrow?: boolean;
}

export function TextField(props: TextFieldProps) {
  const id = `field-${props.path.replace(/[^A-Za-z0-9]+/g, "-")}`;
  const aria = useFieldAria(props.path, true);
  return (
    <div className={props.narrow ? "field field-narrow" : "field"}>
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.path}
        type="text"
        value={props.value}
        placeholder={props.placeholder}
        list={props.list}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        onChange={(e) => props.onChange(e.currentTarget.value)}
        {...aria}
      />
      {props.help ? <p className="field-help">{props.help}</p> : null}
      <FieldProblems path={props.path} exact />
    </div>
  );
}

/** Like TextField, for a field that may be null (an empty input means null). */
export function NullableTextField(
  props: Omit<TextFieldProps, "value" | "onChange"> & {
    value: string | null;
    onChange: (value: string | null) => void;
  },
) {
  return (
    <TextField {...props} value={props.value ?? ""} onChange={(v) => props.onChange(v === "" ? null : v)} />
  );
}
