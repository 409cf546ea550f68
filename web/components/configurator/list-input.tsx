"use client";
// A text field (or textarea) that edits a list. The text is kept as typed, so a trailing
// separator survives the next render; when the list changes from outside (a loaded YAML),
// the text follows.
import { useState } from "react";

export interface ListInputProps {
  id: string;
  value: readonly string[];
  onChange: (list: string[]) => void;
  /** Text → list; by default split on commas, spaces and new lines. */
  split?: (text: string) => string[];
  join?: (list: readonly string[]) => string;
  multiline?: boolean;
  placeholder?: string;
  rows?: number;
  "aria-describedby"?: string;
  "aria-invalid"?: boolean;
}

const defaultSplit = (text: string) => text.split(/[\s,]+/).filter((s) => s !== "");
const defaultJoin = (list: readonly string[]) => list.join(", ");

export function ListInput(props: ListInputProps) {
  const split = props.split ?? defaultSplit;
  const join = props.join ?? defaultJoin;
  const [text, setText] = useState(() => join(props.value));
  const key = JSON.stringify(props.value);
  const [seen, setSeen] = useState(key);
  if (seen !== key) {
    // Adjusting state while rendering (React's documented pattern) when the list changed.
    setSeen(key);
    if (JSON.stringify(split(text)) !== key) setText(join(props.value));
  }
  const common = {
    id: props.id,
    value: text,
    placeholder: props.placeholder,
    "aria-describedby": props["aria-describedby"],
    "aria-invalid": props["aria-invalid"],
    spellCheck: false,
    autoCapitalize: "off",
    autoComplete: "off",
  };
  const onText = (t: string) => {
    setText(t);
    props.onChange(split(t));
  };
  return props.multiline ? (
    <textarea {...common} rows={props.rows ?? 3} onChange={(e) => onText(e.currentTarget.value)} />
  ) : (
    <input type="text" {...common} onChange={(e) => onText(e.currentTarget.value)} />
  );
}
