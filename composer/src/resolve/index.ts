// Public API of the resolver: Debian versions, relation fields, the solver and the lockfile.

export { checkClosure, findConflicts } from "./closure.ts";
export { fromLock, toLock } from "./lockfile.ts";
export { buildIndex, type PackageIndex } from "./package-index.ts";
export { formatGroup, formatRelation, parseProvides, parseRelations, type Relation } from "./relations.ts";
export { type Resolution, type ResolveRequest, resolvePackages } from "./solver.ts";
export { compareVersions, satisfies, type VersionOp } from "./version.ts";
