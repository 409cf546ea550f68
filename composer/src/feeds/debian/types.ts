// Shapes shared by the feed (which produces them) and the resolver (which consumes them).

/** One stanza of a Debian `Packages` index, with the fields Brokkr uses. */
export interface BinaryPackage {
  package: string;
  version: string;
  /** `amd64`, `arm64`, `riscv64` or `all`. */
  architecture: string;
  /** Raw relation fields, unparsed (`libc6 (>= 2.36), foo | bar:any`). Empty string when absent. */
  depends: string;
  preDepends: string;
  provides: string;
  conflicts: string;
  breaks: string;
  /** `required`, `important`, `standard`, `optional`, `extra` or "". */
  priority: string;
  essential: boolean;
  /** `same`, `foreign`, `allowed` or "". */
  multiArch: string;
  section: string;
  /** Path of the .deb relative to the mirror root (`pool/main/...`). */
  filename: string;
  size: number;
  sha256: string;
  /** In KiB, as Debian writes it. */
  installedSize: number;
  /** First line of the description. */
  description: string;
  /** Source package name (the `Source:` field without version, or the package name). */
  source: string;
}

/** A package chosen for an image, as it goes into the lockfile. */
export interface LockEntry {
  package: string;
  version: string;
  arch: string;
  sha256: string;
}
