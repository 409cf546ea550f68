// @brokkr/composer/browser — the composer's pure code, safe for a browser bundle: the spec model
// and its rules, the catalog's models, the schematic ID, errors and the HTTP API's types. Nothing
// here (or below it) imports a node: module; browser.test.ts walks the imports to keep it so.
// The Node API (build, boot-test, loading files, settings) is index.ts.

export * from "./catalog/models.ts";
export * from "./errors.ts";
export { type BootChain, type ChainSpec, supports, type Unavailable } from "./chains/chain.ts";
export { bootChains, chainFor } from "./chains/registry.ts";
export type * from "./http-api.ts";
export { depthProblem } from "./spec/depth.ts";
export * from "./spec/index.ts";
export { stripLateDefaults, lateFields, type LateField } from "./spec/late-fields.ts";
export { CMDLINE_BYTES, LIMITS } from "./spec/limits.ts";
export * from "./terms/output-languages.ts";
export * from "./terms/patterns.ts";
export { sha256Hex } from "./spec/sha256.ts";
export { binaries as qemuBinaries, guestFor, machineArgsFor } from "./qemu/machines.ts";
