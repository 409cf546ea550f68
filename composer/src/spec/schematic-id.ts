// The schematic ID: sha256 of the RFC 8785 canonical JSON of the normalized spec. It names a
// spec everywhere (URLs, caches, the boot report), so it must not depend on key or list order,
// and fields added later stay out of it while they hold their defaults (late-fields.ts). It runs
// unchanged in the browser (the configurator shows it as the user types).
import canonicalize from "canonicalize";
import { BrokkrError } from "../errors.ts";
import type { ImageSpec, ImageSpecInput } from "./image-spec.ts";
import { stripLateDefaults } from "./late-fields.ts";
import { normalizeSpec } from "./normalize.ts";
import { sha256Hex } from "./sha256.ts";

export function canonicalSpecJson(spec: ImageSpecInput | ImageSpec): string {
  const json = canonicalize(stripLateDefaults(normalizeSpec(spec)));
  if (json === undefined) throw new BrokkrError("internal", "the spec has no canonical JSON form");
  return json;
}

/** 64 lowercase hex digits. */
export function schematicId(spec: ImageSpecInput | ImageSpec): string {
  return sha256Hex(new TextEncoder().encode(canonicalSpecJson(spec)));
}
