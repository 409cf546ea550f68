// Turns zod issues into Problems a person can act on: a dotted path into their document and a
// sentence (unknown field → which fields exist; enum → which values exist). Zod keeps issues as
// data; the wording lives here, in one place, for specs and catalog files alike.
import type { z } from "zod";
import type { Problem } from "../errors.ts";
import { closeNames, quoteList } from "./suggest.ts";

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

/** `["system", "users", 0, "name"]` → `system.users[0].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

export function issuesToProblems(issues: readonly Issue[], schema: Schema, input: unknown): Problem[] {
  return issues.flatMap((issue) => issueToProblems(issue, schema, input));
}

function issueToProblems(issue: Issue, schema: Schema, input: unknown): Problem[] {
  const path = formatPath(issue.path);
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = keysAt(schema, issue.path, input);
      return issue.keys.map((key) => {
        const close = closeNames(key, allowed, 1);
        return {
          path: formatPath([...issue.path, key]),
          message: `unknown field '${key}' (allowed: ${allowed.join(", ")})`,
          ...(close.length > 0 ? { hint: `did you mean '${close[0]}'?` } : {}),
        };
      });
    }
    case "invalid_type":
      if (value === undefined) return [{ path, message: "is required" }];
      return [{ path, message: `must be ${describeExpected(issue.expected)} (got ${describeValue(value)})` }];
    case "invalid_value":
      return [{ path, message: `must be one of ${quoteList(issue.values)} (got ${describeValue(value)})` }];
    case "invalid_format":
      return [{ path, message: `${issue.message} (got ${describeValue(value)})` }];
    case "too_small":
      if (issue.origin === "array" && Number(issue.minimum) === 1) {
        return [{ path, message: "must not be empty: list at least one" }];
      }
      if (issue.origin === "string" && Number(issue.minimum) === 1) return [{ path, message: "must not be empty" }];
      return [{ path, message: `must have at least ${count(issue.minimum, issue.origin)}` }];
    case "too_big":
      return [{ path, message: `must have at most ${count(issue.maximum, issue.origin)}` }];
    case "invalid_union":
      if (issue.discriminator !== undefined && "options" in issue && issue.options) {
        // zod already ends the path with the discriminator field.
        return [
          {
            path,
            message: `must be one of ${quoteList(issue.options)} (got ${describeValue(value)})`,
          },
        ];
      }
      return [{ path, message: "matches none of the allowed forms" }];
    default:
      return [{ path, message: issue.message }];
  }
}

/** "1 item", "3 characters": zod's own words were "1 item(s)". */
function count(n: number | bigint, origin: string): string {
  const unit = origin === "array" ? "item" : origin === "string" ? "character" : "";
  if (unit === "") return String(n);
  return `${String(n)} ${unit}${Number(n) === 1 ? "" : "s"}`;
}

function describeExpected(expected: string): string {
  if (expected === "array") return "a list";
  if (expected === "object") return "a mapping (key: value)";
  if (expected === "boolean") return "true or false";
  if (expected === "null") return "null";
  return `a ${expected}`;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  return String(value);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur = input;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/**
 * The field names an object schema allows at `path`, walking through wrappers and lists. Where a
 * discriminated union sits, the branch the document's discriminator picks is the one that counts.
 */
export function keysAt(schema: Schema, path: readonly PropertyKey[], input?: unknown): string[] {
  let nodes: Schema[] = [schema];
  for (let depth = 0; ; depth++) {
    const here = valueAt(input, path.slice(0, depth));
    nodes = nodes.flatMap((n) => unwrap(n, here));
    const key = path[depth];
    if (key === undefined) break;
    nodes = nodes.flatMap((node): Schema[] => {
      const def = defOf(node);
      if (def["type"] === "object") {
        const child = (def["shape"] as Record<string, Schema>)[String(key)];
        return child ? [child] : [];
      }
      if (def["type"] === "array") return [def["element"] as Schema];
      return [];
    });
  }
  const keys = nodes.flatMap((node) => {
    const def = defOf(node);
    return def["type"] === "object" ? Object.keys(def["shape"] as object) : [];
  });
  return [...new Set(keys)];
}

function defOf(node: Schema): Record<string, unknown> {
  return node._zod.def as unknown as Record<string, unknown>;
}

function unwrap(node: Schema, value: unknown): Schema[] {
  const def = defOf(node);
  if ("innerType" in def) return unwrap(def["innerType"] as Schema, value);
  if (def["type"] === "pipe") return unwrap(def["in"] as Schema, value);
  if (def["type"] !== "union") return [node];
  const options = (def["options"] as Schema[]).flatMap((o) => unwrap(o, value));
  const disc = def["discriminator"];
  if (typeof disc !== "string") return options;
  const picked = options.filter((o) => {
    const literal = (defOf(o)["shape"] as Record<string, Schema> | undefined)?.[disc];
    const values = literal ? (defOf(literal)["values"] as unknown[] | undefined) : undefined;
    return values?.includes(valueAt(value, [disc])) ?? false;
  });
  return picked.length > 0 ? picked : options;
}
