// The form in the address bar: `?spec=` holds the compact spec (defaults left out) as base64url
// JSON, so a link shares the form, and reload, the back button and crash recovery restore it.
// Password hashes never go into the URL: they stay in this browser's local storage, filed
// under the URL they belong to (see form-secrets.ts).
import type { ImageSpec, User } from "@brokkr/composer/browser";
import { compactSpec, specDefaults } from "./spec-yaml.ts";

export const SPEC_PARAM = "spec";
/** Longer parameters are refused: the server reads this from every request's URL. */
const MAX_PARAM = 64 * 1024;

/** The spec without its secrets, as a URL parameter value. */
export function encodeSpecParam(spec: ImageSpec): string {
  const compact = compactSpec(withoutSecrets(spec));
  const bytes = new TextEncoder().encode(JSON.stringify(compact));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * A URL parameter back into a form state, or undefined when it is not one. Never throws: a
 * hand-made URL gets every field it got right, defaults for the rest, and the form's own
 * messages for the values that are wrong.
 */
export function decodeSpecParam(param: string | undefined | null): ImageSpec | undefined {
  if (!param || param.length > MAX_PARAM || !/^[A-Za-z0-9_-]+$/.test(param)) return undefined;
  try {
    const binary = atob(param.replaceAll("-", "+").replaceAll("_", "/"));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return isRecord(value) ? expandSpec(value) : undefined;
  } catch {
    return undefined;
  }
}

export function withoutSecrets(spec: ImageSpec): ImageSpec {
  return {
    ...spec,
    system: {
      ...spec.system,
      rootPassword: null,
      users: spec.system.users.map((u) => ({ ...u, passwordHash: null })),
    },
  };
}

/** The inverse of compactSpec: defaults under what the URL gave, each value of the default's type. */
export function expandSpec(value: Record<string, unknown>): ImageSpec {
  const { base, user } = specDefaults();
  const spec = overlay(base, value, 1) as ImageSpec;
  spec.name = typeof value.name === "string" ? value.name : "my-image";
  spec.arch = (typeof value.arch === "string" ? value.arch : "x86_64") as ImageSpec["arch"];
  const system = isRecord(value.system) ? value.system : {};
  const users = Array.isArray(system.users) ? system.users.filter(isRecord) : [];
  spec.system.users = users.slice(0, 64).map((u) => ({
    ...(overlay(user, u, 0) as Omit<User, "name">),
    name: typeof u.name === "string" ? u.name : "",
  }));
  if (isRecord(value.branding) && typeof value.branding.splash === "string") {
    spec.branding = { splash: value.branding.splash };
  }
  return spec;
}

/** `base` with each key of `over` whose value has the same shape; objects `depth` levels deep. */
function overlay(base: Record<string, unknown>, over: Record<string, unknown>, depth: number): unknown {
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, d] of Object.entries(base)) {
    const v = over[key];
    if (v === undefined) continue;
    if (depth > 0 && isRecord(d) && isRecord(v)) out[key] = overlay(d, v, depth - 1);
    else if (Array.isArray(d) && Array.isArray(v)) out[key] = v.filter((x) => typeof x === "string").slice(0, 1024);
    else if ((typeof d === "string" || d === null) && (typeof v === "string" || v === null)) out[key] = v;
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Local storage key of the form last on screen, for the Catalog's "Add to image". */
export const LAST_FORM_KEY = "brokkr.last-form";

/** The form in `param` (or `fallback`) with one more port or driver, as a new parameter. */
export function addToSpecParam(
  param: string | null,
  fallback: ImageSpec,
  kind: "ports" | "drivers",
  id: string,
): string {
  const spec = decodeSpecParam(param) ?? fallback;
  if (!spec[kind].includes(id)) spec[kind] = [...spec[kind], id];
  return encodeSpecParam(spec);
}
