// Shows the token prompt when this server wants a token and the browser session has none.
import { tokenMissing } from "../../lib/actions/caller.ts";
import { TokenPrompt } from "./token-prompt.tsx";

export async function TokenGate() {
  return (await tokenMissing()) ? <TokenPrompt /> : null;
}
