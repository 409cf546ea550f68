// The image spec: the one document a user writes. This zod schema is the single source of
// truth; schemas/image-spec.schema.json is generated from it (npm run schemas).
// Objects are strict (an unknown key is an error, not silently ignored) and every field but
// `name` and `arch` has a default, so a two-line spec is a complete one.
import { z } from "zod";
import { LIMITS } from "./limits.ts";
import { kernelArg } from "../terms/output-languages.ts";
import { archSchema, debianPackageSchema, firmwareSchema, idSchema, protocolSchema, unitRefSchema } from "../terms/patterns.ts";

export const OUTPUTS = ["disk", "uki", "pxe", "iso", "qcow2"] as const;
export const COMPONENTS = ["main", "contrib", "non-free", "non-free-firmware"] as const;

const nameSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
  error: "must be 1–63 lowercase letters, digits or '-', starting with a letter or digit",
});

// A kernel argument goes into the UKI, GRUB's and Limine's configs and the iPXE script alike:
// one safe set for all of them (output-languages.ts says why each other character is refused).
const cmdlineArgSchema = z.string().regex(kernelArg.safe, { error: `is not safe as ${kernelArg.why}` });

const bootSchema = z
  .strictObject({
    protocol: protocolSchema.default("uefi").describe("How the firmware enters the kernel."),
    firmware: firmwareSchema.default("uefi").describe("The firmware the image boots on."),
    cmdline: z.array(cmdlineArgSchema).max(LIMITS.cmdlineArgs).default([]).describe("Extra kernel arguments, in this order."),
  })
  .prefault({});

const debianSchema = z
  .strictObject({
    suite: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,63}$/, { error: "must be a Debian suite name such as trixie" })
      .default("trixie"),
    components: z.array(z.enum(COMPONENTS)).min(1).max(COMPONENTS.length).default(["main"]),
  })
  .prefault({});

const unitsSchema = z
  .strictObject({
    enable: z.array(unitRefSchema).max(LIMITS.units).default([]),
    disable: z.array(unitRefSchema).max(LIMITS.units).default([]),
  })
  .prefault({});

const userNameSchema = z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, {
  error:
    "must be a login name: lowercase letters, digits, '_' or '-', starting with a letter or '_', at most 32",
});

// Loose on purpose: any modular crypt format ($y$, $6$, $2b$, ...), never a clear-text password.
const cryptHashSchema = z.string().regex(/^\$[0-9a-z]{1,4}\$[./0-9A-Za-z=,$]{1,500}$/, {
  error:
    "must be a crypt(3) hash such as $y$… or $6$… (make one with `mkpasswd -m yescrypt`), never a plain password",
});

const sshKeySchema = z
  .string()
  .regex(
    // authorized_keys is line based: no control characters anywhere (a CR or NUL could hide or add a key).
    /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9@.-]{1,64}) [A-Za-z0-9+/=]{1,16384}( [^\x00-\x1f\x7f]{0,1024})?$/,
    {
      error: "must be one OpenSSH public key line (ssh-ed25519 AAAA… comment), without control characters",
    },
  );

const userSchema = z.strictObject({
  name: userNameSchema,
  groups: z.array(userNameSchema).max(LIMITS.groupsPerUser).default([]),
  sshAuthorizedKeys: z.array(sshKeySchema).max(LIMITS.keysPerUser).default([]),
  passwordHash: cryptHashSchema.nullable().default(null),
  shell: z
    .string()
    // A field of /etc/passwd: no ':' or line break (passwdField in output-languages.ts).
    .regex(/^\/[A-Za-z0-9._/+-]{0,255}$/, { error: "must be an absolute path such as /bin/bash (letters, digits, . _ / + -)" })
    .default("/bin/bash"),
});

const systemSchema = z
  .strictObject({
    hostname: z
      .string()
      .regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/, {
        error: "must be an RFC 1123 host label: 1–63 letters, digits or '-', not starting or ending with '-'",
      })
      .default("brokkr"),
    timezone: z
      .string()
      .regex(/^(?=.{1,128}$)[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/, {
        error: "must be a tz database name such as Europe/Berlin",
      })
      .default("Etc/UTC"),
    locale: z
      .string()
      .regex(/^[A-Za-z0-9_.@-]{1,128}$/, { error: "must be a locale name such as C.UTF-8 or de_DE.UTF-8" })
      .default("C.UTF-8"),
    keymap: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,128}$/, { error: "must be a console keymap name such as us or de-latin1" })
      .default("us"),
    users: z.array(userSchema).max(LIMITS.users).default([]),
    rootPassword: cryptHashSchema
      .nullable()
      .default(null)
      .describe("null leaves root without a password (locked)."),
  })
  .prefault({});

const rootfsSchema = z
  .strictObject({
    layout: z
      .enum(["initramfs", "partition"])
      .default("initramfs")
      .describe(
        "initramfs: the whole root is the initrd (diskless); partition: a root partition on the disk.",
      ),
  })
  .prefault({});

// No default: a spec without branding keeps the schematic ID it had before branding existed.
const brandingSchema = z
  .strictObject({
    splash: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { error: "must be the sha256 (64 lowercase hex digits) of an uploaded splash image" })
      .describe("sha256 of a 24-bit BMP asset (POST an image to /api/assets); shown by systemd-stub at boot."),
  })
  .describe("Boot splash and other branding; assets are referred to by their sha256.");

export const imageSpecSchema = z
  .strictObject({
    name: nameSchema.describe("The image's name; part of file names and the schematic ID."),
    arch: archSchema,
    boot: bootSchema,
    debian: debianSchema,
    kernel: idSchema.default("linux").describe("A kernel/ catalog id."),
    drivers: z.array(idSchema).max(LIMITS.drivers).default(["virtio"]).describe("drivers/ catalog ids."),
    ports: z.array(idSchema).max(LIMITS.ports).default([]).describe("ports/ catalog ids."),
    packages: z.array(debianPackageSchema).max(LIMITS.packages).default([]).describe("Extra Debian packages, by name."),
    units: unitsSchema,
    system: systemSchema,
    rootfs: rootfsSchema,
    outputs: z.array(z.enum(OUTPUTS)).min(1).max(LIMITS.outputs).default(["disk"]),
    branding: brandingSchema.optional(),
  })
  .meta({
    title: "Brokkr image spec",
    description:
      "What to build: architecture, boot chain, kernel, drivers, ports, units and system settings.",
  });

export type ImageSpec = z.output<typeof imageSpecSchema>;
export type ImageSpecInput = z.input<typeof imageSpecSchema>;
export type User = ImageSpec["system"]["users"][number];
export type Output = (typeof OUTPUTS)[number];
