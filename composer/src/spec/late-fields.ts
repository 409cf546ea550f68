// Stable IDs: a field added to the spec after schematic IDs were first handed out stays out of
// the canonical form while it holds its default, so every existing ID (and every deployed
// /pxe/<id> URL) keeps meaning the same spec. The fields of the first release keep their
// defaults in the canonical form, as they always did (idFieldsV1 in late-fields.test.ts).
//
// Adding a spec field: add it to the zod model with a default, then one line here with the same
// default. `[]` in a path means "in each element of this list".
import canonicalize from "canonicalize";

export interface LateField {
  /** Dotted path, e.g. `system.session` or `system.users.[].shell`. */
  path: string;
  /** The zod default: while the field equals it, the field is left out of the canonical form. */
  default: unknown;
}

export const lateFields: readonly LateField[] = [
  // { path: "system.session", default: "none" },
];

/** A copy of a normalized spec without the late fields that hold their defaults. */
export function stripLateDefaults<T>(normal: T, fields: readonly LateField[] = lateFields): T {
  let out: unknown = normal;
  for (const f of fields) out = strip(out, f.path.split("."), canonicalize(f.default));
  return out as T;
}

function strip(node: unknown, path: string[], defaultJson: string | undefined): unknown {
  const [head, ...rest] = path;
  if (head === "[]") return Array.isArray(node) ? node.map((el) => strip(el, rest, defaultJson)) : node;
  if (head === undefined || typeof node !== "object" || node === null || Array.isArray(node) || !(head in node)) return node;
  const obj = node as Record<string, unknown>;
  if (rest.length > 0) return { ...obj, [head]: strip(obj[head], rest, defaultJson) };
  if (canonicalize(obj[head]) !== defaultJson) return obj;
  const { [head]: _dropped, ...kept } = obj;
  return kept;
}
