// Why a choice cannot be made with the rest of the spec as it is. The answer comes from the
// composer's own rules (validateSpec on the spec with that one choice changed), so the reason
// the form shows next to a disabled option is word for word the error a build would give.
import type { Catalog } from "../../../composer/src/catalog/models.ts";
import type { ImageSpec, Output } from "../../../composer/src/spec/image-spec.ts";
import type { Arch, Protocol } from "../../../composer/src/terms/patterns.ts";
import { validateSpec } from "../../../composer/src/spec/validate.ts";

function problemAt(spec: ImageSpec, catalog: Catalog, path: string): string | undefined {
  return validateSpec(spec, catalog).find((p) => p.path === path)?.message;
}

export function whyNotProtocol(spec: ImageSpec, catalog: Catalog, protocol: Protocol): string | undefined {
  return problemAt({ ...spec, boot: { ...spec.boot, protocol } }, catalog, "boot.protocol");
}

export function whyNotFirmware(
  spec: ImageSpec,
  catalog: Catalog,
  firmware: "uefi" | "bios",
): string | undefined {
  return problemAt({ ...spec, boot: { ...spec.boot, firmware } }, catalog, "boot.firmware");
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
