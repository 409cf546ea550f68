// `DELETE /api/schematics/:id`: a schematic goes with its builds. With tokens configured only
// the token that first created it may delete it; without tokens, only a client on this machine
// (loopback), since anyone else who can reach the server is a stranger.
import type { IncomingMessage, ServerResponse } from "node:http";
import { BrokkrError } from "@brokkr/composer";
import type { BrokkrService } from "../lib/service/types.ts";
import { findSchematic } from "./api.ts";
import type { Caller } from "./router.ts";

export async function deleteSchematic(svc: BrokkrService, req: IncomingMessage, res: ServerResponse, id: string, caller: Caller): Promise<void> {
  const schematic = await findSchematic(svc, id);
  if (caller.identity) {
    const owner = await caller.access?.ownerOf(schematic.id);
    if (owner !== caller.identity.tokenId) {
      throw new BrokkrError("service.forbidden", `token '${caller.identity.name}' did not create schematic ${schematic.id}`, {
        hint: owner ? "only the token that created a schematic may delete it" : "it was created without a token: nobody may delete it over the API",
      });
    }
  } else if (!isLoopback(req.socket.remoteAddress)) {
    throw new BrokkrError("service.forbidden", "without tokens, schematics are deleted only from this machine", {
      hint: "create a token (brokkr token create NAME) and create and delete schematics with it",
    });
  }
  if (!(await svc.deleteSchematic(schematic.id))) throw new BrokkrError("service.not-found", `no schematic ${schematic.id}`);
  res.writeHead(204, { "cache-control": "no-store" });
  res.end();
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return v4.startsWith("127.") || address === "::1";
}
