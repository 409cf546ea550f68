// Live validation in the browser, the same verdict the CLI and the service give: the JSON
// Schema in schemas/ (through ajv, the contract CI checks catalog and examples against) and the
// composer's own checks (zod wording plus the cross-field rules that need the catalog).
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { Catalog } from "@brokkr/composer/browser";
import type { Problem } from "@brokkr/composer/browser";
import { checkSpecValue } from "@brokkr/composer/browser";
import type { ImageSpec } from "@brokkr/composer/browser";
import schema from "../../../schemas/image-spec.schema.json" with { type: "json" };

export interface BrowserCheck {
  /** Present only when the spec is valid: schema and rules both passed. */
  spec: ImageSpec | undefined;
  problems: Problem[];
}

let compiled: ReturnType<Ajv2020["compile"]> | undefined;

function schemaValidator() {
  if (!compiled) {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** `/system/users/0/name` → `system.users[0].name`, the composer's path style. */
export function pointerToPath(pointer: string): string {
  let out = "";
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (/^\d+$/.test(key)) out += `[${key}]`;
    else out += out === "" ? key : `.${key}`;
  }
  return out;
}

/** The JSON Schema's verdict alone, in ajv's words. */
export function schemaProblems(value: unknown): Problem[] {
  const validate = schemaValidator();
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra = e.params as { additionalProperty?: string; missingProperty?: string };
    const key = extra.additionalProperty ?? extra.missingProperty;
    const base = pointerToPath(e.instancePath);
    const path = key === undefined ? base : base === "" ? key : `${base}.${key}`;
    return { path, message: e.message ?? "does not match the schema" };
  });
}

const related = (a: string, b: string) =>
  a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`) || b.startsWith(`${a}.`) || b.startsWith(`${a}[`);

export function checkInBrowser(value: unknown, catalog: Catalog): BrowserCheck {
  const composer = checkSpecValue(value, catalog);
  // zod words the schema's problems better; ajv's own message stands where zod said nothing.
  const schemaOnly = schemaProblems(value).filter(
    (a) => !composer.problems.some((p) => related(p.path, a.path)),
  );
  const problems = [...composer.problems, ...schemaOnly];
  return { spec: problems.length === 0 ? composer.spec : undefined, problems };
}
