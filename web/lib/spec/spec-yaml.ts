// The spec as the YAML a person would write: only what differs from the defaults, keys in the
// schema's order. Dropping defaults changes nothing: the schematic ID is taken after defaults.
import { Document, isScalar, visit } from "yaml";
import type { Problem } from "@brokkr/composer/browser";
import type { ImageSpec } from "@brokkr/composer/browser";
import { imageSpecSchema } from "@brokkr/composer/browser";
import { parseYamlText } from "@brokkr/composer/browser";
import { issuesToProblems } from "@brokkr/composer/browser";

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The defaults, taken once from a fixed skeleton: never from the user's own name or arch, which
 * may be invalid while they type (a throwing parse here once replaced the page with an error).
 */
const DEFAULTS = imageSpecSchema.parse({ name: "x", arch: "x86_64", system: { users: [{ name: "x" }] } });

/** Every default: of the spec (no users), and of one user (no name). */
export function specDefaults(): { base: Record<string, unknown>; user: Record<string, unknown> } {
  const { name: _name, ...user } = DEFAULTS.system.users[0]!;
  return { base: { ...DEFAULTS, system: { ...DEFAULTS.system, users: [] } }, user };
}

/** Drops every field equal to its default; `name` and `arch` have none and always stay. */
export function compactSpec(spec: ImageSpec): Record<string, unknown> {
  const { base: withDefaults, user: userDefaults } = specDefaults();
  const compacted = {
    ...spec,
    system: { ...spec.system, users: spec.system.users.map((u) => dropEqual(u, userDefaults, ["name"])) },
  };
  return dropEqual(compacted, withDefaults, ["name", "arch"], 1);
}

/** `value` without the keys equal to `base`'s, one level of objects deeper while depth > 0. */
function dropEqual(value: object, base: object, keep: string[], depth = 0): Record<string, unknown> {
  const defaults = base as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const d = defaults[key];
    if (keep.includes(key)) out[key] = v;
    else if (depth > 0 && isPlainObject(v) && isPlainObject(d)) {
      const inner = dropEqual(v, d, [], depth - 1);
      if (Object.keys(inner).length > 0) out[key] = inner;
    } else if (!same(v, d)) out[key] = v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Short lists of words on one line (`ports: [nginx, curl]`), anything longer as a block. */
export function specToYaml(spec: ImageSpec): string {
  const doc = new Document(compactSpec(spec));
  visit(doc, {
    Seq(_key, node) {
      const values = node.items.map((i) => (isScalar(i) ? i.value : undefined));
      const words = values.every((v) => typeof v === "string" && !v.includes(" "));
      const width = values.reduce<number>((n, v) => n + String(v).length + 2, 0);
      if (words && width <= 72) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

export type YamlLoad = { ok: true; spec: ImageSpec } | { ok: false; problems: Problem[] };

/**
 * YAML text → a spec the form can show. Only the schema must pass (a spec with an unknown port
 * still loads, and the form shows that problem); a YAML or schema error loads nothing.
 */
export function yamlToSpec(text: string): YamlLoad {
  let value: unknown;
  try {
    value = parseYamlText(text, "pasted YAML");
  } catch (e) {
    return { ok: false, problems: [{ path: "", message: (e as Error).message }] };
  }
  const result = imageSpecSchema.safeParse(value);
  if (result.success) return { ok: true, spec: result.data };
  return { ok: false, problems: issuesToProblems(result.error.issues, imageSpecSchema, value) };
}
