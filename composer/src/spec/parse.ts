// Reading a spec: YAML text → plain value → zod. YAML errors carry line and column; schema
// errors carry every problem at once, each with its dotted path.
import { CST, Lexer, LineCounter, parseDocument } from "yaml";
import { depthProblem } from "./depth.ts";
import { LIMITS } from "./limits.ts";
import { BrokkrError } from "../errors.ts";
import { type ImageSpec, imageSpecSchema } from "./image-spec.ts";
import { issuesToProblems } from "../terms/problems.ts";

/**
 * Parses YAML text into a plain value; throws `spec.parse` naming file, line and column.
 * Anchors and aliases are refused: a spec never needs them, and a few KiB of nested aliases
 * expand to gigabytes (the "billion laughs").
 */
export function parseYamlText(text: string, file: string): unknown {
  if (text.length > LIMITS.specBytes) {
    throw new BrokkrError("spec.parse", `${file}: the spec is ${text.length} bytes; at most ${LIMITS.specBytes} are read`, {
      details: { file },
      hint: "an image spec is a few KiB: check that this is the right file",
    });
  }
  const anchored = findAnchorOrAlias(text);
  if (anchored) {
    const before = text.slice(0, anchored.offset).split("\n");
    const line = before.length;
    const col = (before.at(-1)?.length ?? 0) + 1;
    throw new BrokkrError("spec.parse", `${file}:${line}:${col}: YAML ${anchored.what} are not allowed in a spec`, {
      details: { file, line, col },
      hint: "write the value out where it is used",
    });
  }
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  } catch (err) {
    // The parser recurses per nesting level: a document of a million '[' runs out of stack.
    throw new BrokkrError("spec.parse", `${file}: the YAML is nested too deeply to read`, {
      details: { file },
      hint: "an image spec is a few levels deep: check the structure",
      cause: err,
    });
  }
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
    const first = err.message.split("\n")[0] ?? err.message;
    const reason = /call stack/i.test(first) ? "the YAML is nested too deeply to read" : first;
    throw new BrokkrError("spec.parse", `${file}:${pos.line}:${pos.col}: ${reason}`, {
      details: { file, line: pos.line, col: pos.col },
      hint: "the file must be YAML: 'key: value' lines, lists as '- item' or [a, b]",
      cause: err,
    });
  }
  const value = doc.toJS();
  const tooDeep = depthProblem(value);
  if (tooDeep) throw new BrokkrError("spec.parse", `${file}: ${tooDeep.message}`, { details: { file }, hint: tooDeep.hint });
  return value;
}

/** The first anchor or alias, from the lexer alone: refused before anything is built from it. */
function findAnchorOrAlias(text: string): { what: string; offset: number } | undefined {
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === "anchor") return { what: "anchors (&name)", offset };
    if (type === "alias") return { what: "aliases (*name)", offset };
    offset += token.length;
  }
  return undefined;
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
