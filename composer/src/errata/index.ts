// The composer's errata: a hand-kept list of the changes that alter what a build writes for the
// same spec and lock. Its version goes into every manifest (never into the image bytes) and into
// the image service's single-flight key, so a fix to a writer makes new builds instead of
// serving the old bytes forever.
//
// Adding one: append an entry with the next version, one line saying what changed, and the new
// sha256 of every golden test the change moved (goldens.ts checks them). Never edit an entry.

export interface Erratum {
  version: number;
  /** One line: what changed in the output and why. */
  change: string;
  /** Golden test name → its new sha256, for every golden this change moved. */
  goldens?: Readonly<Record<string, string>>;
}

export const errata: readonly Erratum[] = [
  // { version: 1, change: "cpio: directories get mode 0755 (was 0700)", goldens: { "formats/cpio: a fixed tree": "…" } },
  { version: 1, change: "every build also writes sbom.spdx.json (SPDX 2.3), listed in the manifest's artifacts" },
  { version: 2, change: "every build also writes SHA256SUMS and its OpenPGP signature SHA256SUMS.asc; the manifest gains `checksums`" },
];

/** The newest erratum's version; 0 is the output as of 6ed9ae3, before errata were kept. */
export const errataVersion: number = errata.at(-1)?.version ?? 0;
