"use client";
// Asked once per browser session when the server has tokens: the token goes into a session
// cookie (lib/actions/remember-token.ts) that the API and server actions accept.
import { startTransition, useActionState, useState } from "react";
import type { ActionFailure } from "../../lib/actions/action-result.ts";
import { rememberToken } from "../../lib/actions/remember-token.ts";

export function TokenPrompt() {
  const [failure, run, pending] = useActionState(rememberToken, null);
  const [token, setToken] = useState("");
  return (
    <form
      className="card token-prompt"
      data-testid="token-prompt"
      onSubmit={(e) => {
        e.preventDefault();
        startTransition(() => run(token));
      }}
    >
      <label htmlFor="brokkr-token">This server needs a token to build or upload (reading needs none)</label>
      <div className="button-row">
        <input id="brokkr-token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.currentTarget.value)} placeholder="brokkr_…" />
        <button type="submit" className="button button-primary" disabled={pending || token === ""}>
          {pending ? "Checking…" : "Use token"}
        </button>
      </div>
      <FailureLine failure={failure} />
    </form>
  );
}

function FailureLine({ failure }: { failure: ActionFailure | null }) {
  if (!failure) return null;
  return (
    <p className="field-problems" role="alert">
      {failure.message}
      {failure.hint ? <span className="hint"> — {failure.hint}</span> : null}
    </p>
  );
}
