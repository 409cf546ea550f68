// Reading a spec: YAML text → plain value → zod. YAML errors carry line and column; schema
// errors carry every problem at once, each with its dotted path.
import { LineCounter, parseDocument } from "yaml";
import { BrokkrError } from "../errors.ts";
import { type ImageSpec, imageSpecSchema } from "./image-spec.ts";
import { issuesToProblems } from "./problems.ts";

/** Parses YAML text into a plain value; throws `spec.parse` naming file, line and column. */
export function parseYamlText(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
    const reason = err.message.split("\n")[0] ?? err.message;
    throw new BrokkrError("spec.parse", `${file}:${pos.line}:${pos.col}: ${reason}`, {
      details: { file, line: pos.line, col: pos.col },
      hint: "the file must be YAML: 'key: value' lines, lists as '- item' or [a, b]",
      cause: err,
    });
  }
  return doc.toJS({ maxAliasCount: 100 });
}

/** Checks a plain value against the spec schema and applies defaults (lists keep their order). */
export function parseSpecValue(value: unknown, file = "spec"): ImageSpec {
  const result = imageSpecSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = issuesToProblems(result.error.issues, imageSpecSchema, value);
  throw new BrokkrError("spec.invalid", `${file}: ${problems.length} problem(s) in the image spec`, {
    problems,
    details: { file },
  });
}

/** YAML text → ImageSpec with defaults applied. Cross-field rules are `validateSpec`'s job. */
export function parseSpecText(text: string, file: string): ImageSpec {
  return parseSpecValue(parseYamlText(text, file), file);
}
