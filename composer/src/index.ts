// @brokkr/composer — the composer's Node API: everything in browser.ts, plus building,
// boot-testing, loading the catalog and spec files, the settings and the errata version.
// Callers outside composer/ (the web, scripts) import from here, never from composer/src/….

export * from "./browser.ts";
export type { BuildEvent, ProgressSink } from "./assemble/progress.ts";
export { loadCatalog } from "./catalog/load.ts";
export { type ChainStatus, chainAvailability, unavailableChains } from "./chains/availability.ts";
export { progressPrinter } from "./cli-progress.ts";
export { errata, errataVersion, type Erratum } from "./errata/index.ts";
export type { LockEntry } from "./feeds/debian/types.ts";
export { type BmpInfo, readBmpInfo, writeBmp24 } from "./formats/bmp.ts";
export { loadSpecFile } from "./load-spec.ts";
export { type BuildOptions, build, type Manifest } from "./pipeline.ts";
export { attachmentOf, type BootTestOptions, type BootTestResult, bootTest } from "./qemu/boot-test.ts";
export { trackChild } from "./qemu/reaper.ts";
export { type RemoteBuildOptions, type RemoteBuildResult, remoteBuild } from "./remote.ts";
export { getSettings, rereadSettings, resolveSettings, type Settings, settingsTable } from "./settings/index.ts";
export { loadSplash } from "./assemble/branding.ts";
export { checksumsNote } from "./publish/checksums.ts";
export { writeSignedSums } from "./publish/sign-build.ts";
export { loadOrCreateSigningKey, publicKeyOf, signingKeyName } from "./publish/signing-key.ts";
export { verifyDownload } from "./publish/verify.ts";
