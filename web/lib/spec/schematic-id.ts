// The schematic ID in the browser, computed exactly as composer/src/spec/schematic-id.ts does
// (normalize, RFC 8785 canonical JSON, sha256) but without node:crypto.
import canonicalize from "canonicalize";
import type { ImageSpec } from "../../../composer/src/spec/image-spec.ts";
import { normalizeSpec } from "../../../composer/src/spec/normalize.ts";
import { sha256Hex } from "./sha256.ts";

export function canonicalJson(spec: ImageSpec): string {
  const json = canonicalize(normalizeSpec(spec));
  if (json === undefined) throw new Error("the spec has no canonical JSON form");
  return json;
}

/** 64 lowercase hex digits; WebCrypto where the page is a secure context, else our own sha256. */
export async function browserSchematicId(spec: ImageSpec): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalJson(spec));
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return sha256Hex(bytes);
  const digest = new Uint8Array(await subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
