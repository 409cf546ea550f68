// The catalog's document types. As for the image spec, these zod schemas are the source of
// truth and schemas/{kernel,driver,port,unit}.schema.json are generated from them.
// Every object is strict: a misspelt key in a catalog file is an error, never ignored.
import { z } from "zod";
import {
  type Arch,
  archSchema,
  ARCHES,
  debianPackageSchema,
  idSchema,
  moduleNameSchema,
  protocolSchema,
  unitNameSchema,
} from "../terms/patterns.ts";

const text = z.string().min(1);
/** A path inside a package's data, relative, with shell-style '*' (e.g. boot/vmlinuz-*). */
const packagePathGlob = z.string().regex(/^[^/\s][^\s]*$/, {
  error: "must be a relative path inside the package, '*' allowed (e.g. boot/vmlinuz-*)",
});
const absolutePath = z.string().regex(/^\/[^\s]+$/, { error: "must be an absolute path" });

function perArch<T extends z.ZodType>(entry: T) {
  return z.strictObject({ x86_64: entry.optional(), aarch64: entry.optional(), riscv64: entry.optional() });
}

// ---- kernel/<id>.yaml

export const kernelArchSchema = z.strictObject({
  packagePattern: z
    .string()
    .regex(/^\^.*\$$/, { error: "must be an anchored regular expression: ^...$" })
    .describe(
      "Anchored regular expression over package names in the suite. Debian puts the kernel ABI in the " +
        "name (linux-image-6.12.N+debM-amd64-unsigned), so a fixed name goes stale: the matching package " +
        "with the highest version is taken.",
    ),
  imagePath: z
    .union([packagePathGlob, z.array(packagePathGlob).min(1)])
    .describe(
      "Where the kernel's packages keep the image to boot; with a list, the first glob that matches " +
        "wins (Debian moved it from boot/ to usr/lib/modules/<release>/ after trixie).",
    ),
  modulesPath: packagePathGlob.optional().describe("The kernel's module tree in the package, if it has one."),
  protocols: z
    .array(protocolSchema)
    .min(1)
    .describe("Boot protocols that can enter this kernel on this arch."),
});

export const kernelFileSchema = z
  .strictObject({
    description: text,
    dom0: idSchema.optional().describe("For a hypervisor: the kernel/ id of the kernel it starts as dom0."),
    arches: perArch(kernelArchSchema),
    unsupportedProtocols: z
      .strictObject({ uefi: text.optional(), limine: text.optional(), multiboot2: text.optional() })
      .optional()
      .describe("Why a protocol cannot start this kernel; shown to the user when they pick it."),
  })
  .meta({ title: "Brokkr kernel", description: "kernel/<id>.yaml: a kernel package per architecture." });

// ---- drivers/<id>.yaml

const archSupportSchema = z.discriminatedUnion("supported", [
  z.strictObject({
    supported: z.literal(true),
    extraModules: z.array(moduleNameSchema).optional().describe("Modules needed on this arch only."),
  }),
  z.strictObject({
    supported: z.literal(false),
    reason: text.describe("Why not, in words a user understands."),
  }),
]);

export const driverFileSchema = z
  .strictObject({
    description: text,
    hardware: text.describe("What hardware this serves."),
    modules: z
      .array(moduleNameSchema)
      .describe(
        "Module names as in modules.dep ('_' not '-'); a built-in (modules.builtin) counts as present.",
      ),
    firmwarePackages: z.array(debianPackageSchema).default([]).describe("Debian packages with its firmware."),
    arches: z.strictObject({
      x86_64: archSupportSchema,
      aarch64: archSupportSchema,
      riscv64: archSupportSchema,
    }),
  })
  .meta({ title: "Brokkr driver", description: "drivers/<id>.yaml: kernel modules and where they work." });

// ---- ports/<category>/<id>.yaml

export const portFileSchema = z
  .strictObject({
    description: text,
    packages: z.array(debianPackageSchema).min(1).describe("Debian packages to install."),
    arches: z
      .array(archSchema)
      .min(1)
      .default([...ARCHES])
      .describe("Where the packages exist; all three by default."),
    units: z
      .strictObject({ enable: z.array(unitNameSchema).default([]) })
      .optional()
      .describe("Units to enable: Brokkr never runs maintainer scripts, so nothing is enabled by itself."),
  })
  .meta({ title: "Brokkr port", description: "ports/<category>/<id>.yaml: software from Debian packages." });

// ---- systemd-units/<id>/unit.yaml

export const unitFileSchema = z
  .strictObject({
    description: text,
    default: z.boolean().default(false).describe("On in every image unless the spec disables it."),
    requires: z
      .strictObject({ packages: z.array(debianPackageSchema).default([]) })
      .optional()
      .describe("Only applies when these Debian packages are in the image."),
    files: z
      .array(
        z.strictObject({
          path: z
            .string()
            .regex(/^[A-Za-z0-9@._-]+$/, { error: "must be a file name beside unit.yaml" })
            .describe("File beside unit.yaml."),
          install: absolutePath.describe("Where it goes in the image."),
        }),
      )
      .default([]),
    enable: z.array(unitNameSchema).default([]).describe("Units to enable on every arch."),
    enableByArch: perArch(z.array(unitNameSchema)).optional().describe("Units to enable on one arch only."),
  })
  .meta({
    title: "Brokkr systemd unit",
    description: "systemd-units/<id>/unit.yaml: unit files and what to enable.",
  });

export type KernelArch = z.output<typeof kernelArchSchema>;
export type Kernel = z.output<typeof kernelFileSchema> & { id: string };
export type ArchSupport = z.output<typeof archSupportSchema>;
export type Driver = z.output<typeof driverFileSchema> & { id: string };
export type Port = z.output<typeof portFileSchema> & { id: string; category: string };
/** `dir` is the absolute folder of unit.yaml, where `files[].path` live. */
export type Unit = z.output<typeof unitFileSchema> & { id: string; dir: string };

export interface Catalog {
  kernels: Map<string, Kernel>;
  drivers: Map<string, Driver>;
  ports: Map<string, Port>;
  units: Map<string, Unit>;
}

/** The units a catalog unit enables on one arch. */
export function unitsToEnable(unit: Unit, arch: Arch): string[] {
  return [...unit.enable, ...(unit.enableByArch?.[arch] ?? [])];
}

/** A kernel entry's image globs, in the order they are tried. */
export function imagePathsOf(entry: KernelArch): string[] {
  return typeof entry.imagePath === "string" ? [entry.imagePath] : [...entry.imagePath];
}

/** The modules a driver needs on one arch ([] where it is unsupported). */
export function driverModules(driver: Driver, arch: Arch): string[] {
  const support = driver.arches[arch];
  return support.supported ? [...driver.modules, ...(support.extraModules ?? [])] : [];
}
