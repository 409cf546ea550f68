// What a server action hands back to the form when it could not go on. A success redirects.
import { errorToJson, isBrokkrError, type Problem } from "@brokkr/composer/browser";

export interface ActionFailure {
  message: string;
  hint?: string;
  problems: Problem[];
}

/** A BrokkrError's wire form, for the form to show; anything else is rethrown by the caller. */
export function toFailure(err: unknown): ActionFailure | undefined {
  if (!isBrokkrError(err)) return undefined;
  const { message, hint, problems = [] } = errorToJson(err);
  return { message, ...(hint ? { hint } : {}), problems };
}
