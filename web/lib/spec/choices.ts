// Why a choice cannot be made with the rest of the spec as it is. The answer comes from the
// composer's one spec check (checkSpecValue on the spec with that one choice changed): invalid,
// not implemented by any boot chain, or unavailable on this server (`unavailable`, from
// chainAvailability()), so the reason the form shows next to a disabled option is word for
// word the error a build would give.
import type { Catalog } from "@brokkr/composer/browser";
import type { ImageSpec, Output } from "@brokkr/composer/browser";
import type { Arch, Protocol } from "@brokkr/composer/browser";
import type { Unavailable } from "@brokkr/composer/browser";
import { checkSpecValue } from "@brokkr/composer/browser";

/** The first problem at `path`; a build problem names the field (`outputs`), not the item. */
function problemAt(spec: ImageSpec, catalog: Catalog, path: string, unavailable: Unavailable = {}): string | undefined {
  const { problems } = checkSpecValue(spec, catalog, { unavailable });
  const field = path.replace(/\[\d+\]$/, "");
  return problems.find((p) => p.path === path || (p.kind !== "invalid" && p.path === field))?.message;
}

export function whyNotProtocol(spec: ImageSpec, catalog: Catalog, protocol: Protocol, unavailable?: Unavailable): string | undefined {
  return problemAt({ ...spec, boot: { ...spec.boot, protocol } }, catalog, "boot.protocol", unavailable);
}

export function whyNotFirmware(
  spec: ImageSpec,
  catalog: Catalog,
  firmware: "uefi" | "bios",
  unavailable?: Unavailable,
): string | undefined {
  return problemAt({ ...spec, boot: { ...spec.boot, firmware } }, catalog, "boot.firmware", unavailable);
}

export function whyNotKernel(spec: ImageSpec, catalog: Catalog, kernel: string): string | undefined {
  return problemAt({ ...spec, kernel }, catalog, "kernel");
}

export function whyNotOutput(spec: ImageSpec, catalog: Catalog, output: Output): string | undefined {
  return problemAt({ ...spec, outputs: [output] }, catalog, "outputs[0]");
}

/** The catalog's own reason, e.g. "needs a DKMS build against the kernel; ..." */
export function whyNotDriver(catalog: Catalog, id: string, arch: Arch): string | undefined {
  const support = catalog.drivers.get(id)?.arches[arch];
  return support && !support.supported ? support.reason : undefined;
}

export function whyNotPort(spec: ImageSpec, catalog: Catalog, id: string): string | undefined {
  return problemAt({ ...spec, ports: [id] }, catalog, "ports[0]");
}
