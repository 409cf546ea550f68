// Nesting depth of a document, counted without recursion (a hostile one may be a million deep).
import type { Problem } from "../errors.ts";
import { LIMITS } from "./limits.ts";

/** A document nested deeper than any spec is refused before anything walks it recursively. */
export function depthProblem(value: unknown, limit: number = LIMITS.depth): Problem | undefined {
  const stack: Array<[unknown, number]> = [[value, 1]];
  let seen = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth > limit) {
      return { path: "(spec)", message: `the document is nested more than ${limit} levels deep`, hint: "an image spec is a few levels deep: check the structure" };
    }
    for (const child of Object.values(v)) {
      if (++seen > 1_000_000) break;
      stack.push([child, depth + 1]);
    }
  }
  return undefined;
}
