// Bounds a build sets on what it will unpack: a service passes them so that one spec can't make
// a build worker unpack a whole distribution. Checked right after resolving, before any download.
import { BrokkrError } from "../errors.ts";
import type { BinaryPackage } from "../feeds/debian/types.ts";

export interface PlanLimits {
  /** Packages in the image (root file system, kernel and boot packages together). */
  packages: number;
  /** Their Installed-Size, summed, in bytes. */
  installedBytes: number;
}

export function checkPlanLimits(packages: readonly BinaryPackage[], limits: PlanLimits | undefined): void {
  if (!limits) return;
  if (packages.length > limits.packages) {
    throw new BrokkrError("build.too-large", `the image needs ${packages.length} packages; this server builds at most ${limits.packages}`, {
      hint: "drop ports or packages from the spec",
    });
  }
  // Installed-Size is in KiB (Debian policy 5.6.20).
  const bytes = packages.reduce((sum, p) => sum + p.installedSize * 1024, 0);
  if (bytes > limits.installedBytes) {
    throw new BrokkrError("build.too-large", `the image's packages install ${(bytes / 1e9).toFixed(2)} GB; this server builds at most ${(limits.installedBytes / 1e9).toFixed(2)} GB`, {
      hint: "drop ports or packages from the spec",
    });
  }
}
