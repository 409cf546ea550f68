// Shared shapes of names, used by the image spec and by the catalog models alike, so that a
// name the catalog accepts is always a name a spec may refer to.
import { z } from "zod";

export const ARCHES = ["x86_64", "aarch64", "riscv64"] as const;
export const archSchema = z.enum(ARCHES);
export type Arch = z.output<typeof archSchema>;

export const PROTOCOLS = ["uefi", "limine", "multiboot2"] as const;
export const protocolSchema = z.enum(PROTOCOLS);
export type Protocol = z.output<typeof protocolSchema>;

/** What the machine starts with; BIOS only exists on x86_64 (a cross-field rule says so). */
export const FIRMWARES = ["uefi", "bios"] as const;
export const firmwareSchema = z.enum(FIRMWARES);
export type Firmware = z.output<typeof firmwareSchema>;

/** Catalog ids are file names: lowercase words joined by '-'. */
export const idPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const idSchema = z.string().regex(idPattern, {
  error: "must be a catalog id: lowercase letters, digits and '-' (e.g. openssh-server)",
});

/** Debian policy 5.6.1: lowercase letters, digits, '+', '-', '.'; at least two characters. */
export const debianPackagePattern = /^[a-z0-9][a-z0-9+.-]{1,127}$/;
export const debianPackageSchema = z
  .string()
  .regex(debianPackagePattern, { error: "must be a Debian package name (lowercase, digits, '+', '-', '.')" });

/** A systemd unit name (templates and instances included), e.g. `serial-getty@ttyS0.service`. */
export const UNIT_SUFFIXES = ["service", "socket", "timer", "target", "path", "mount"] as const;
export const unitNamePattern =
  /^(?=.{1,255}$)[-A-Za-z0-9:_.\\]+(@[-A-Za-z0-9:_.\\]*)?\.(service|socket|timer|target|path|mount)$/;
export const unitNameSchema = z
  .string()
  .regex(unitNamePattern, { error: `must be a systemd unit name ending in .${UNIT_SUFFIXES.join(", .")}` });

/** What `units.enable` may hold: a systemd-units/ id or a unit name shipped by a package. */
export const unitRefSchema = z.string().regex(/^[-A-Za-z0-9:_.@\\]{1,255}$/, {
  error: "must be a systemd-units/ id or a unit name such as nginx.service",
});

/** Kernel module names as modules.dep spells them after '-' → '_' (e.g. virtio_blk). */
export const moduleNameSchema = z.string().regex(/^[A-Za-z0-9_]{1,64}$/, {
  error: "must be a kernel module name with '_' (as in modules.dep), e.g. virtio_blk",
});
