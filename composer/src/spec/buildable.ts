// Whether the build can write a valid spec, from what the boot chains declare (chains/): a
// chain for the protocol on this arch and firmware, the root layout and the outputs it
// writes. And, from the running system, whether this machine can build it now. The spec check
// (check.ts) adds these problems after the schema and cross-field rules; `build()` refuses the
// same specs before any download.
import type { Problem } from "../errors.ts";
import { BrokkrError } from "../errors.ts";
import { supports, type Unavailable } from "../chains/chain.ts";
import { chainFor } from "../chains/registry.ts";
import type { ImageSpec } from "./image-spec.ts";

export type { Unavailable };

/** The `not-implemented` and `unavailable` problems of a valid spec; empty when it builds here. */
export function buildProblems(spec: ImageSpec, unavailable: Unavailable = {}): Problem[] {
  const problems: Problem[] = [];
  const notYet = (path: string, message: string) =>
    problems.push({ path, message, kind: "not-implemented", code: "boot.not-implemented" });
  const { protocol, firmware } = spec.boot;
  const chain = chainFor(protocol);
  if (!chain || !supports(chain, spec.arch, firmware)) {
    notYet("boot.protocol", `boot.protocol ${protocol} with boot.firmware ${firmware} on ${spec.arch}: not yet implemented`);
  }
  for (const output of spec.outputs) {
    if (chain && !chain.outputs.includes(output)) notYet("outputs", `outputs: ${output} is not yet implemented`);
  }
  if (chain && spec.outputs.includes("iso") && !chain.isoFirmware.includes(firmware)) {
    notYet("outputs", `outputs: iso with boot.protocol ${protocol} and boot.firmware ${firmware} is not yet implemented`);
  }
  if (chain && !chain.layouts.includes(spec.rootfs.layout)) {
    notYet("rootfs.layout", `rootfs.layout ${spec.rootfs.layout} with boot.protocol ${protocol} is not yet implemented`);
  }
  // The ISO has no root partition to carry.
  if (spec.rootfs.layout === "partition" && spec.outputs.includes("iso")) {
    notYet("outputs", "outputs: iso with rootfs.layout partition is not yet implemented");
  }
  const off = unavailable[protocol];
  if (off) problems.push({ path: "boot.protocol", message: off.reason, kind: "unavailable", code: off.code });
  return problems;
}

/** Why the build cannot write this (valid) spec yet; empty when it can. */
export function missingFeatures(spec: ImageSpec): string[] {
  return buildProblems(spec).map((p) => p.message);
}

/** Throws `boot.not-implemented` naming everything the build cannot write yet. */
export function assertBuildable(spec: ImageSpec): void {
  const problems = buildProblems(spec);
  if (problems.length > 0) throw buildError(problems);
}

/** The error for a valid spec's build problems: not implemented first, else unavailable here. */
export function buildError(problems: Problem[]): BrokkrError {
  const missing = problems.filter((p) => p.kind === "not-implemented").map((p) => p.message);
  if (missing.length > 0) {
    return new BrokkrError("boot.not-implemented", `Brokkr cannot build this spec yet: ${missing.join("; ")}`, {
      hint: "`brokkr matrix` lists what builds today; uefi + uefi firmware builds on every arch, with outputs disk, uki, pxe, iso, qcow2",
      details: { missing },
      problems,
    });
  }
  const off = problems[0]!;
  return new BrokkrError(off.code ?? "boot.loader-missing", `this machine cannot build it now: ${off.message}`, {
    hint: "the spec is valid; build it where the boot chain's files are, or provide them here",
    problems,
  });
}
