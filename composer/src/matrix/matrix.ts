// The boot matrix, derived rather than written down: every arch × protocol × firmware from the
// schema's enums, judged by the same cross-field rules a user's spec meets (validateSpec) with
// the catalog kernel that fits the cell, and marked with whether the build can write it today.
import { supports } from "../chains/chain.ts";
import { chainFor } from "../chains/registry.ts";
import type { Catalog } from "../catalog/index.ts";
import type { Problem } from "../errors.ts";
import { imageSpecSchema } from "../spec/image-spec.ts";
import { ARCHES, type Arch, FIRMWARES, type Firmware, PROTOCOLS, type Protocol } from "../terms/patterns.ts";
import { validateSpec } from "../spec/validate.ts";

export interface MatrixCell {
  arch: Arch;
  protocol: Protocol;
  firmware: Firmware;
  /** The kernel/ id the cell was judged with. */
  kernel: string;
  /** Every problem validateSpec found; empty for a valid cell. */
  problems: Problem[];
  /** For a valid cell: what the build writes, or why it cannot yet. */
  build: { implemented: true; chain: string } | { implemented: false; reason: string } | undefined;
}

export function matrixCells(catalog: Catalog): MatrixCell[] {
  const cells: MatrixCell[] = [];
  for (const arch of ARCHES) {
    for (const protocol of PROTOCOLS) {
      for (const firmware of FIRMWARES) {
        const kernel = pickKernel(catalog, arch, protocol);
        const spec = imageSpecSchema.parse({ name: "matrix", arch, kernel, boot: { protocol, firmware } });
        const problems = validateSpec(spec, catalog);
        const chain = chainFor(protocol);
        const build =
          problems.length > 0
            ? undefined
            : chain && supports(chain, arch, firmware)
              ? ({ implemented: true, chain: chain.describe(arch, firmware) } as const)
              : ({ implemented: false, reason: `${protocol} with ${firmware} firmware: not yet implemented` } as const);
        cells.push({ arch, protocol, firmware, kernel, problems, build });
      }
    }
  }
  return cells;
}

/**
 * The kernel a cell is judged with: the spec's default kernel when it can be started that way,
 * else the first catalog kernel that can (xen for multiboot2), else the default, whose refusal
 * is then the cell's reason.
 */
function pickKernel(catalog: Catalog, arch: Arch, protocol: Protocol): string {
  const fallback = imageSpecSchema.parse({ name: "matrix", arch }).kernel;
  const fits = (id: string) => catalog.kernels.get(id)?.arches[arch]?.protocols.includes(protocol) === true;
  if (fits(fallback)) return fallback;
  return [...catalog.kernels.keys()].sort().find(fits) ?? fallback;
}

/** A plain table for the terminal, one line per cell, then the counts. */
export function formatMatrix(cells: readonly MatrixCell[]): string {
  const lines = [`${"arch".padEnd(8)} ${"protocol".padEnd(10)} ${"firmware".padEnd(8)} ${"kernel".padEnd(6)} ${"cell".padEnd(7)} build / reason`];
  for (const c of cells) {
    const head = `${c.arch.padEnd(8)} ${c.protocol.padEnd(10)} ${c.firmware.padEnd(8)} ${c.kernel.padEnd(6)}`;
    if (c.build === undefined) {
      const why = c.problems.map((p) => `${p.path}: ${p.message}`).join("; ");
      lines.push(`${head} ${"invalid".padEnd(7)} ${why}`);
    } else {
      lines.push(`${head} ${"valid".padEnd(7)} ${c.build.implemented ? `builds: ${c.build.chain}` : c.build.reason}`);
    }
  }
  const valid = cells.filter((c) => c.build !== undefined);
  const built = valid.filter((c) => c.build?.implemented);
  lines.push(`${valid.length} of ${cells.length} cells valid; ${built.length} build today, ${valid.length - built.length} not yet implemented`);
  return `${lines.join("\n")}\n`;
}
