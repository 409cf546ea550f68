// The whole check of a spec, as the CLI and the web use it: schema and cross-field rules
// together, every problem at once. When the schema fails, the cross-field rules still run on
// what is left after the bad fields are dropped (defaults fill them in), so a user sees an
// unknown port and a misspelt key in one round, not two.
import type { Catalog } from "../catalog/models.ts";
import { BrokkrError, type Problem } from "../errors.ts";
import { depthProblem } from "./depth.ts";
import { LIMITS } from "./limits.ts";
import { type ImageSpec, imageSpecSchema } from "./image-spec.ts";
import { normalizeSpec } from "./normalize.ts";
import { parseYamlText } from "./parse.ts";
import { formatPath, issuesToProblems } from "../terms/problems.ts";
import { buildError, buildProblems, type Unavailable } from "./buildable.ts";
import { validateSpec } from "./validate.ts";

const bootRelated = /^(boot(\.(protocol|firmware))?|kernel)$/;

export interface SpecCheck {
  /** The spec with defaults, in the written order; absent when the schema rejected it. */
  spec: ImageSpec | undefined;
  problems: Problem[];
}

const invalid = (p: Problem): Problem => ({ ...p, kind: p.kind ?? "invalid" });

export interface CheckOptions {
  /** Chains this machine cannot build now (chains/availability.ts); none when omitted. */
  unavailable?: Unavailable;
}

/**
 * The one check: schema, cross-field rules, then, for a spec with no invalid problem, whether
 * a boot chain writes it and whether this machine can. Every problem carries its kind.
 */
export function checkSpecValue(value: unknown, catalog: Catalog, opts: CheckOptions = {}): SpecCheck {
  const tooDeep = depthProblem(value);
  if (tooDeep) return { spec: undefined, problems: [invalid(tooDeep)] };
  const result = imageSpecSchema.safeParse(value);
  if (result.success) {
    const problems = capProblems(validateSpec(result.data, catalog)).map(invalid);
    if (problems.length === 0) problems.push(...buildProblems(result.data, opts.unavailable));
    return { spec: result.data, problems };
  }

  const problems = issuesToProblems(result.error.issues, imageSpecSchema, value);
  const paths = result.error.issues.map((issue) =>
    issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...issue.path, k]) : [issue.path],
  );
  const repaired = imageSpecSchema.safeParse(dropPaths(value, paths.flat()));
  if (repaired.success) {
    // A rule about a dropped field would judge its default, not what the user wrote; boot
    // protocol, firmware and kernel are judged together, so one dropped silences all three.
    const dropped = new Set(paths.flat().map(formatPath));
    const bootDropped = [...dropped].some((p) => bootRelated.test(p));
    const more = validateSpec(repaired.data, catalog).filter(
      (p) => !dropped.has(p.path) && !(bootDropped && bootRelated.test(p.path)),
    );
    problems.push(...more);
  }
  return { spec: undefined, problems: capProblems(problems).map(invalid) };
}

/** At most LIMITS.problems problems, then one that counts the rest: the answer stays small. */
export function capProblems(problems: Problem[]): Problem[] {
  if (problems.length <= LIMITS.problems) return problems;
  const rest = problems.length - LIMITS.problems;
  return [
    ...problems.slice(0, LIMITS.problems),
    { path: "(spec)", message: `${rest} more problem(s) not shown`, hint: "fix the ones above and check again" },
  ];
}

/**
 * YAML text → a checked, normalized spec; throws with every problem: `spec.invalid` when one is
 * invalid, else `boot.not-implemented` or the unavailable chain's code (buildError).
 */
export function checkSpecText(text: string, file: string, catalog: Catalog, opts: CheckOptions = {}): ImageSpec {
  const { spec, problems } = checkSpecValue(parseYamlText(text, file), catalog, opts);
  if (spec && problems.length > 0 && problems.every((p) => p.kind !== "invalid")) throw buildError(problems);
  if (!spec || problems.length > 0) {
    throw new BrokkrError("spec.invalid", `${file}: ${problems.length} problem(s) in the image spec`, {
      problems,
      details: { file },
    });
  }
  return normalizeSpec(spec);
}

/**
 * A deep copy of `value` without the given paths. A bad list item takes its whole list with it:
 * removing one item would shift the indices that later problems name.
 */
function dropPaths(value: unknown, paths: PropertyKey[][]): unknown {
  const copy = structuredClone(value);
  for (const path of paths) {
    const cut = path.findIndex((k) => typeof k === "number");
    const target = cut === -1 ? path : path.slice(0, cut);
    if (target.length === 0) return value;
    let parent = copy as Record<PropertyKey, unknown> | undefined;
    for (const key of target.slice(0, -1)) {
      const next = parent?.[key];
      parent = next !== null && typeof next === "object" ? (next as Record<PropertyKey, unknown>) : undefined;
    }
    if (parent) delete parent[target[target.length - 1]!];
  }
  return copy;
}
