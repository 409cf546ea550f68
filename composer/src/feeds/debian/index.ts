// Public API of the Debian feed: find the mirror, verify a suite, load its package indexes,
// fetch .debs into the content-addressed cache.

export { BlobCache, DerivedStore, defaultCacheRoot, readChecked, sha256Hex } from "./cache.ts";
export { defaultStateDir, TrustState } from "./trust-state.ts";
export { forEachStanza, type ParseOptions, parseStanzas, type Stanza } from "./deb822.ts";
export { type FetchItem, type FetchOptions, fetchAll, fetchBytes, mapLimit } from "./http.ts";
export { type AptSource, findMirror, readAptSources } from "./mirror.ts";
export { type DebRef, type FetchDebsOptions, fetchDebs } from "./debs.ts";
export {
  debianArch,
  type FeedProgress,
  type LoadPackagesOptions,
  loadPackages,
  parsePackages,
} from "./packages.ts";
export {
  fetchRelease,
  type Release,
  type ReleaseFile,
  type ReleaseOptions,
  readKeyring,
} from "./release.ts";
export type { BinaryPackage, LockEntry } from "./types.ts";
