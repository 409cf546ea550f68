// The largest spec Brokkr accepts. Every list and string in the spec has a maximum, published in
// schemas/ so editors and the UI enforce them too; each leaves room for real images (Debian's
// biggest desktop task installs ~1,500 packages; the kernel's command line is 2 KiB on x86).
export const LIMITS = {
  ports: 1000,
  packages: 1000,
  drivers: 256,
  units: 256,
  users: 100,
  groupsPerUser: 64,
  keysPerUser: 64,
  cmdlineArgs: 256,
  outputs: 5,
  /** Bytes of a spec document (YAML or JSON) over HTTP and from a file. */
  specBytes: 1024 * 1024,
  /** Nesting depth of a spec or lock document: a real spec is 5 deep. */
  depth: 32,
  /** Problems reported one by one; the rest are counted. */
  problems: 100,
  /** Unknown ids that get a "did you mean" (each is a fuzzy match over the catalog). */
  suggestions: 20,
} as const;

/** The kernel's COMMAND_LINE_SIZE per architecture, less what Brokkr itself adds (console, timeouts, root). */
export const CMDLINE_BYTES: Record<string, number> = {
  x86_64: 2048 - 256,
  aarch64: 2048 - 256,
  riscv64: 1024 - 256,
};
