// The shapes of the IDs in URLs, checked before any lookup so a malformed one is a 400, not a 404.
export const schematicIdPattern = /^[0-9a-f]{64}$/;
export const buildIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isSchematicId(id: string): boolean {
  return schematicIdPattern.test(id);
}

export function isBuildId(id: string): boolean {
  return buildIdPattern.test(id);
}

/** Assets are named by the sha256 of their bytes: the same shape as a schematic ID. */
export function isSha256(id: string): boolean {
  return schematicIdPattern.test(id);
}
