// Public API of the spec model.
export { type CheckOptions, checkSpecText, checkSpecValue, type SpecCheck } from "./check.ts";
export { assertBuildable, buildProblems, missingFeatures, type Unavailable } from "./buildable.ts";
export {
  COMPONENTS,
  type ImageSpec,
  type ImageSpecInput,
  imageSpecSchema,
  OUTPUTS,
  type Output,
  type User,
} from "./image-spec.ts";
export { normalizeSpec } from "./normalize.ts";
export { parseSpecText, parseSpecValue, parseYamlText } from "./parse.ts";
export { ARCHES, type Arch, FIRMWARES, type Firmware, PROTOCOLS, type Protocol } from "../terms/patterns.ts";
export { formatPath, issuesToProblems } from "../terms/problems.ts";
export { canonicalSpecJson, schematicId } from "./schematic-id.ts";
export { validateSpec } from "./validate.ts";
