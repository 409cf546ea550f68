// Every boot chain, keyed by boot protocol. Adding a chain: its folder (chain.ts + assemble.ts,
// see README.md) and one line here.
import type { Protocol } from "../terms/patterns.ts";
import type { BootChain } from "./chain.ts";
import { limineChain } from "./limine/chain.ts";
import { multiboot2Chain } from "./multiboot2/chain.ts";
import { ukiChain } from "./uki/chain.ts";

export const bootChains: readonly BootChain[] = [ukiChain, limineChain, multiboot2Chain];

/** The chain of a boot protocol, or undefined when none is written yet. */
export function chainFor(protocol: Protocol | string): BootChain | undefined {
  return bootChains.find((c) => c.protocol === protocol);
}
