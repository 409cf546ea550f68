// What this machine can build now, per boot chain: each chain's assembler says what it lacks
// (Limine's files). The CLI's validate, the service's schematic check and the web's boot step
// read it; a chain that is not available is an `unavailable` problem, not an invalid spec.
import type { Protocol } from "../terms/patterns.ts";
import { loadAssembler } from "./assemble.ts";
import type { Unavailable } from "./chain.ts";
import { bootChains } from "./registry.ts";

export type ChainStatus = { protocol: Protocol; buildable: true } | { protocol: Protocol; buildable: false; reason: string };

/** For each boot chain: buildable on this machine now, or the reason it is not. */
export async function chainAvailability(): Promise<ChainStatus[]> {
  const out: ChainStatus[] = [];
  for (const chain of bootChains) {
    const reason = (await loadAssembler(chain)).unavailable?.();
    out.push(reason === undefined ? { protocol: chain.protocol, buildable: true } : { protocol: chain.protocol, buildable: false, reason });
  }
  return out;
}

/** The chains this machine cannot build now, as the spec check takes them. */
export async function unavailableChains(): Promise<Unavailable> {
  const off: Unavailable = {};
  for (const s of await chainAvailability()) {
    if (!s.buildable) off[s.protocol] = { code: s.protocol === "limine" ? "boot.limine-missing" : "boot.loader-missing", reason: s.reason };
  }
  return off;
}
