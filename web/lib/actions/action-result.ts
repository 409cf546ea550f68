// What a server action hands back to the form when it could not go on. A success redirects.
import type { Problem } from "../../../composer/src/errors.ts";

export interface ActionFailure {
  message: string;
  hint?: string;
  problems: Problem[];
}

/** BrokkrError by shape: the service may run as another module instance than the bundle's. */
export function toFailure(err: unknown): ActionFailure | undefined {
  if (!(err instanceof Error) || err.name !== "BrokkrError") return undefined;
  const e = err as Error & { hint?: string; problems?: Problem[] };
  return {
    message: e.message,
    ...(e.hint ? { hint: e.hint } : {}),
    problems: Array.isArray(e.problems) ? e.problems.map((p) => ({ ...p })) : [],
  };
}
