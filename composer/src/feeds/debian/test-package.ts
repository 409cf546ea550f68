// For tests: a Packages-index entry with no relations and made-up file facts; `fields` override
// any of it. One factory, so every test's packages look alike and a new field has one default.
import { createHash } from "node:crypto";
import type { BinaryPackage } from "./types.ts";

export function testPackage(name: string, fields: Partial<BinaryPackage> = {}): BinaryPackage {
  const version = fields.version ?? "1.0";
  const architecture = fields.architecture ?? "amd64";
  return {
    package: name,
    version,
    architecture,
    depends: "",
    preDepends: "",
    provides: "",
    conflicts: "",
    breaks: "",
    priority: "optional",
    essential: false,
    multiArch: "",
    section: "misc",
    filename: `pool/main/${name}_${version}_${architecture}.deb`,
    size: 1000,
    sha256: createHash("sha256").update(`${name} ${version} ${architecture}`).digest("hex"),
    installedSize: 4,
    description: name,
    source: name,
    ...fields,
  };
}
