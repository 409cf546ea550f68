// Cross-field rules: what the schema alone cannot say because it needs the catalog or more than
// one field. Each problem names the field and says what would work instead.
import type { Problem } from "../errors.ts";
import type { Catalog } from "../catalog/models.ts";
import type { ImageSpec } from "./image-spec.ts";
import { CMDLINE_BYTES, LIMITS } from "./limits.ts";
import { type Arch, ARCHES, unitNamePattern } from "../terms/patterns.ts";
import { closeNames, quoteList } from "../terms/suggest.ts";
import { checkSystemNames } from "./system-names.ts";

export function validateSpec(spec: ImageSpec, catalog: Catalog): Problem[] {
  // "Did you mean" is a fuzzy match over the catalog: only the first few unknown ids get one,
  // so a spec of a thousand unknown ports costs no more than one of twenty.
  suggestionBudget = LIMITS.suggestions;
  return [
    ...checkBoot(spec, catalog),
    ...checkDrivers(spec, catalog),
    ...checkPorts(spec, catalog),
    ...checkUnits(spec, catalog),
    ...checkUsers(spec),
    ...checkSystemNames(spec, catalog),
    ...checkOutputs(spec, catalog),
  ];
}

function checkBoot(spec: ImageSpec, catalog: Catalog): Problem[] {
  const problems: Problem[] = [];
  const { protocol, firmware } = spec.boot;
  if (protocol === "multiboot2" && spec.arch !== "x86_64") {
    problems.push({
      path: "boot.protocol",
      message: `multiboot2 is defined only for x86_64; use uefi or limine on ${spec.arch}`,
      hint: "set boot.protocol: uefi (a UKI) or limine",
    });
  }
  if (firmware === "bios" && spec.arch !== "x86_64") {
    problems.push({
      path: "boot.firmware",
      message: `BIOS firmware exists only on x86_64; ${spec.arch} boots with UEFI`,
      hint: "set boot.firmware: uefi",
    });
  } else if (firmware === "bios" && protocol === "uefi") {
    problems.push({
      path: "boot.firmware",
      message: "protocol uefi boots a UKI, an EFI program that BIOS firmware cannot start",
      hint: "use boot.protocol: limine or multiboot2 for BIOS, or boot.firmware: uefi",
    });
  }

  const cmdlineBytes = spec.boot.cmdline.join(" ").length;
  if (cmdlineBytes > (CMDLINE_BYTES[spec.arch] ?? 0)) {
    problems.push({
      path: "boot.cmdline",
      message: `the kernel arguments take ${cmdlineBytes} bytes; ${spec.arch}'s kernel command line leaves room for ${CMDLINE_BYTES[spec.arch]}`,
      hint: "drop or shorten arguments (the kernel would cut the rest off)",
    });
  }

  const kernel = catalog.kernels.get(spec.kernel);
  if (!kernel) {
    problems.push(unknownId("kernel", spec.kernel, "kernel", catalog.kernels.keys()));
    return problems;
  }
  const entry = kernel.arches[spec.arch];
  if (!entry) {
    problems.push({
      path: "kernel",
      message: `kernel '${kernel.id}' is not available for ${spec.arch} (it is for ${quoteList(archesOf(kernel.arches), "and")})`,
      hint: suggestKernels(catalog, spec.arch, protocol),
    });
    return problems;
  }
  // One problem per field: multiboot2 off x86_64 was reported above already.
  const protocolReported = problems.some((p) => p.path === "boot.protocol");
  if (!protocolReported && !entry.protocols.includes(protocol)) {
    const reason = kernel.unsupportedProtocols?.[protocol];
    problems.push({
      path: "boot.protocol",
      message:
        reason ??
        `kernel '${kernel.id}' cannot be started by ${protocol} on ${spec.arch} (it can by ${quoteList(entry.protocols)})`,
      hint: reason
        ? `kernel '${kernel.id}' can be started by ${quoteList(entry.protocols)}`
        : suggestKernels(catalog, spec.arch, protocol),
    });
  }
  return problems;
}

function suggestKernels(catalog: Catalog, arch: Arch, protocol: string): string {
  const fitting = [...catalog.kernels.values()]
    .filter((k) => k.arches[arch]?.protocols.includes(protocol as never))
    .map((k) => k.id);
  return fitting.length > 0
    ? `kernels that ${protocol} can start on ${arch}: ${quoteList(fitting)}`
    : `no kernel in kernel/ can be started by ${protocol} on ${arch}`;
}

function checkDrivers(spec: ImageSpec, catalog: Catalog): Problem[] {
  const problems: Problem[] = [];
  spec.drivers.forEach((id, i) => {
    const path = `drivers[${i}]`;
    const driver = catalog.drivers.get(id);
    if (!driver) {
      problems.push(unknownId(path, id, "driver", catalog.drivers.keys()));
      return;
    }
    const support = driver.arches[spec.arch];
    if (!support.supported) {
      const where = ARCHES.filter((a) => driver.arches[a].supported);
      problems.push({
        path,
        message: `driver '${id}' does not work on ${spec.arch}: ${support.reason}`,
        hint:
          where.length > 0
            ? `it works on ${quoteList(where)}`
            : "it works on no architecture with Debian's kernel yet",
      });
      return;
    }
    if (driver.firmwarePackages.length > 0 && !spec.debian.components.includes("non-free-firmware")) {
      problems.push({
        path,
        message: `driver '${id}' needs firmware from ${quoteList(driver.firmwarePackages, "and")}, which is in the non-free-firmware component`,
        hint: "add non-free-firmware to debian.components",
      });
    }
  });
  return problems;
}

function checkPorts(spec: ImageSpec, catalog: Catalog): Problem[] {
  const problems: Problem[] = [];
  spec.ports.forEach((id, i) => {
    const path = `ports[${i}]`;
    const port = catalog.ports.get(id);
    if (!port) {
      problems.push(unknownId(path, id, "port", catalog.ports.keys()));
    } else if (!port.arches.includes(spec.arch)) {
      problems.push({
        path,
        message: `port '${id}' is not available for ${spec.arch}`,
        hint: `it is available for ${quoteList(port.arches)}`,
      });
    }
  });
  return problems;
}

function checkUnits(spec: ImageSpec, catalog: Catalog): Problem[] {
  const problems: Problem[] = [];
  for (const list of ["enable", "disable"] as const) {
    spec.units[list].forEach((ref, i) => {
      if (catalog.units.has(ref) || unitNamePattern.test(ref)) return;
      const close = suggestionBudget-- > 0 ? closeNames(ref, catalog.units.keys()) : [];
      problems.push({
        path: `units.${list}[${i}]`,
        message: `'${ref}' is neither a systemd-units/ id nor a unit name (*.service, *.socket, *.timer, *.target, *.path, *.mount)`,
        hint:
          close.length > 0
            ? `did you mean ${quoteList(close)}?`
            : `catalog units: ${quoteList([...catalog.units.keys()].sort())}`,
      });
    });
  }
  const enabled = new Set(spec.units.enable);
  spec.units.disable.forEach((ref, i) => {
    if (enabled.has(ref)) {
      problems.push({
        path: `units.disable[${i}]`,
        message: `'${ref}' is both enabled and disabled`,
        hint: "keep it in one of units.enable and units.disable",
      });
    }
  });
  return problems;
}

function checkUsers(spec: ImageSpec): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  spec.system.users.forEach((user, i) => {
    const path = `system.users[${i}].name`;
    if (user.name === "root") {
      problems.push({ path, message: "root is not a user to add", hint: "set system.rootPassword instead" });
    } else if (seen.has(user.name)) {
      problems.push({ path, message: `user '${user.name}' is listed twice`, hint: "merge the two entries" });
    }
    seen.add(user.name);
  });
  return problems;
}

function checkOutputs(spec: ImageSpec, catalog: Catalog): Problem[] {
  const problems: Problem[] = [];
  const hypervisor = catalog.kernels.get(spec.kernel)?.dom0 !== undefined;
  spec.outputs.forEach((output, i) => {
    if (output === "uki" && hypervisor) {
      problems.push({
        path: `outputs[${i}]`,
        message: `a UKI holds one Linux kernel and cannot carry the hypervisor '${spec.kernel}'`,
        hint: "build a disk: GRUB starts the hypervisor and its dom0",
      });
    }
    if (output === "pxe" && spec.rootfs.layout !== "initramfs") {
      problems.push({
        path: `outputs[${i}]`,
        message: "pxe boots kernel and initrd only, so the root filesystem must be the initramfs",
        hint: "set rootfs.layout: initramfs, or drop pxe",
      });
    }
  });
  return problems;
}

let suggestionBudget: number = LIMITS.suggestions;

function unknownId(path: string, id: string, kind: string, ids: Iterable<string>): Problem {
  const all = [...ids].sort();
  const close = suggestionBudget-- > 0 ? closeNames(id, all) : [];
  const folder = kind === "port" ? "ports/<category>" : kind === "kernel" ? "kernel" : `${kind}s`;
  return {
    path,
    message: `unknown ${kind} '${id}'`,
    hint:
      close.length > 0
        ? `did you mean ${quoteList(close)}?`
        : all.length <= 12
          ? `known ${kind}s: ${quoteList(all)}`
          : `see ${folder}/ for the list`,
  };
}

function archesOf(arches: Partial<Record<Arch, unknown>>): Arch[] {
  return ARCHES.filter((a) => arches[a] !== undefined);
}
