// The build's SBOM: an SPDX 2.3 JSON document with the image, every Debian package that went
// into it (version, arch, the .deb's sha256, a purl, the license its copyright file declares)
// and the relationships between them. A function of the lock and the schematic only, so it is
// byte-reproducible like every other artifact.
import { createHash } from "node:crypto";
import type { BinaryPackage } from "../feeds/debian/types.ts";
import { parseRelations, parseProvides } from "../resolve/relations.ts";
import { readTar } from "../rootfs/tar.ts";
import { declaredLicense, refRef } from "./licenses.ts";

export interface SbomInput {
  name: string;
  schematicId: string;
  sourceDateEpoch: number;
  packages: readonly BinaryPackage[];
  /** Package name → the text of its /usr/share/doc/<name>/copyright (absent when it has none). */
  copyrights: ReadonlyMap<string, string>;
}

interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo: string;
  packageFileName?: string;
  supplier: string;
  downloadLocation: string;
  filesAnalyzed: false;
  checksums?: { algorithm: "SHA256"; checksumValue: string }[];
  sourceInfo?: string;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
  primaryPackagePurpose?: string;
  comment?: string;
}

interface Relationship {
  spdxElementId: string;
  relationshipType: "DESCRIBES" | "CONTAINS" | "DEPENDS_ON";
  relatedSpdxElement: string;
}

/** `sbom.spdx.json` for a build: every package it used, with the copyright files of their data.tars. */
export function buildSbom(opts: Omit<SbomInput, "copyrights"> & { unpacked: readonly { dataTar: Buffer }[] }): Buffer {
  const { unpacked, ...input } = opts;
  return sbomJson({ ...input, copyrights: copyrightsOf(input.packages, unpacked.map((u) => u.dataTar)) });
}

/** The SBOM as the file `sbom.spdx.json`. */
export function sbomJson(input: SbomInput): Buffer {
  return Buffer.from(`${JSON.stringify(sbomDocument(input), null, 2)}\n`);
}

export function sbomDocument(input: SbomInput) {
  const packages = [...input.packages].sort((a, b) => cmp(a.package, b.package) || cmp(a.architecture, b.architecture));
  const ids = spdxIds(packages);
  const refs = new LicenseRefs();
  const debs: SpdxPackage[] = packages.map((p) => {
    const declared = declaredLicense(input.copyrights.get(p.package));
    return {
      SPDXID: ids.get(p)!,
      name: p.package,
      versionInfo: p.version,
      ...(p.filename ? { packageFileName: p.filename.slice(p.filename.lastIndexOf("/") + 1) } : {}),
      supplier: "Organization: Debian",
      downloadLocation: "NOASSERTION",
      filesAnalyzed: false,
      checksums: [{ algorithm: "SHA256", checksumValue: p.sha256 }],
      sourceInfo: `built from the Debian source package ${p.source || p.package}`,
      licenseConcluded: "NOASSERTION",
      licenseDeclared: refs.adopt(declared.expression, declared.refs, p.package),
      copyrightText: "NOASSERTION",
      externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: purlOf(p) }],
    };
  });
  const image: SpdxPackage = {
    SPDXID: "SPDXRef-Image",
    name: input.name,
    versionInfo: input.schematicId,
    supplier: "NOASSERTION",
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    licenseConcluded: "NOASSERTION",
    licenseDeclared: "NOASSERTION",
    copyrightText: "NOASSERTION",
    primaryPackagePurpose: "OPERATING_SYSTEM",
    comment: `Brokkr image of schematic ${input.schematicId}`,
  };
  const relationships: Relationship[] = [
    { spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: "SPDXRef-Image" },
    ...packages.map((p): Relationship => ({ spdxElementId: "SPDXRef-Image", relationshipType: "CONTAINS", relatedSpdxElement: ids.get(p)! })),
    ...dependsOn(packages, ids),
  ];
  return {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: `${input.name}-${input.schematicId}`,
    documentNamespace: namespaceOf(input.schematicId, packages),
    creationInfo: {
      created: new Date(input.sourceDateEpoch * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
      creators: ["Tool: brokkr"],
      comment: "created is the build's SOURCE_DATE_EPOCH, so the same lock gives the same document",
    },
    packages: [image, ...debs],
    relationships,
    ...(refs.size > 0 ? { hasExtractedLicensingInfos: refs.infos() } : {}),
  };
}

/**
 * `/usr/share/doc/<pkg>/copyright` of each package, read from its data.tar. A package whose doc
 * directory is a symlink (libstdc++6 → gcc-14-base) gets the copyright of the directory it names.
 */
export function copyrightsOf(packages: readonly BinaryPackage[], dataTars: readonly Buffer[]): Map<string, string> {
  const texts = new Map<string, string>();
  const links = new Map<string, string>();
  const docPath = /^\.?\/?usr\/share\/doc\/([^/]+)(\/copyright)?\/?$/;
  packages.forEach((p, i) => {
    for (const e of readTar(dataTars[i]!, `${p.package} data.tar`)) {
      const m = docPath.exec(e.path);
      if (!m) continue;
      if (m[2] && e.type === "file") texts.set(m[1]!, e.data.toString("utf8"));
      else if (!m[2] && m[1] === p.package && e.type === "symlink") links.set(p.package, e.linkname.replace(/\/+$/, ""));
    }
  });
  const out = new Map<string, string>();
  for (const p of packages) {
    const link = links.get(p.package);
    const text = texts.get(p.package) ?? (link && !link.includes("/") ? texts.get(link) : undefined);
    if (text !== undefined) out.set(p.package, text);
  }
  return out;
}

/** `pkg:deb/debian/<name>@<version>?arch=<arch>`; the epoch's colon is percent-encoded. */
export function purlOf(p: Pick<BinaryPackage, "package" | "version" | "architecture">): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%2B/g, "+").replace(/%7E/g, "~");
  return `pkg:deb/debian/${enc(p.package)}@${enc(p.version)}?arch=${enc(p.architecture)}`;
}

/** SPDX ids allow letters, digits, `.` and `-`: `libstdc++6` becomes `SPDXRef-Package-libstdc--6-amd64`. */
function spdxIds(packages: readonly BinaryPackage[]): Map<BinaryPackage, string> {
  const ids = new Map<BinaryPackage, string>();
  const used = new Set<string>();
  for (const p of packages) {
    const base = `SPDXRef-Package-${p.package}-${p.architecture}`.replace(/[^A-Za-z0-9.-]/g, "-");
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    ids.set(p, id);
  }
  return ids;
}

/** DEPENDS_ON for each Depends/Pre-Depends group: the first alternative the set has, by name or Provides. */
function dependsOn(packages: readonly BinaryPackage[], ids: ReadonlyMap<BinaryPackage, string>): Relationship[] {
  const byName = new Map<string, BinaryPackage>();
  for (const p of packages) if (!byName.has(p.package)) byName.set(p.package, p);
  const providers = new Map<string, BinaryPackage>();
  for (const p of packages) {
    for (const v of parseProvides(p.provides)) if (!providers.has(v.name)) providers.set(v.name, p);
  }
  const out: Relationship[] = [];
  for (const p of packages) {
    const targets = new Set<BinaryPackage>();
    for (const group of parseRelations([p.preDepends, p.depends].filter(Boolean).join(", "), { arch: p.architecture })) {
      for (const alt of group) {
        const hit = byName.get(alt.name) ?? providers.get(alt.name);
        if (hit) {
          if (hit !== p) targets.add(hit);
          break;
        }
      }
    }
    for (const t of [...targets].sort((a, b) => cmp(ids.get(a)!, ids.get(b)!))) {
      out.push({ spdxElementId: ids.get(p)!, relationshipType: "DEPENDS_ON", relatedSpdxElement: ids.get(t)! });
    }
  }
  return out;
}

/** A URI unique to this schematic and lock, and the same for every rebuild of them. */
function namespaceOf(schematicId: string, packages: readonly BinaryPackage[]): string {
  const lock = packages.map((p) => `${p.package} ${p.version} ${p.architecture} ${p.sha256}\n`).join("");
  const h = createHash("sha256").update(`brokkr-sbom\0${schematicId}\0${lock}`).digest("hex");
  // An RFC 9562 version 8 (custom) UUID: no host name to invent, and still a URI.
  const v = `${h.slice(0, 12)}8${h.slice(13, 16)}${((Number.parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 32)}`;
  return `urn:uuid:${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20, 32)}`;
}

/**
 * The document's LicenseRefs. Two packages may give one local name ("permissive") different
 * texts, so a name keeps its id only for its first text; another text gets `-2`, `-3`, ...
 */
class LicenseRefs {
  #byKey = new Map<string, { id: string; text: string; name: string; packages: string[] }>();
  #taken = new Set<string>();

  get size(): number {
    return this.#byKey.size;
  }

  adopt(expression: string, local: ReadonlyMap<string, string>, pkg: string): string {
    let out = expression;
    for (const [name, text] of local) {
      const wanted = refRef(name);
      const key = `${wanted}\0${text}`;
      let entry = this.#byKey.get(key);
      if (!entry) {
        let id = wanted;
        for (let n = 2; this.#taken.has(id); n++) id = `${wanted}-${n}`;
        this.#taken.add(id);
        entry = { id, text, name, packages: [] };
        this.#byKey.set(key, entry);
      }
      if (!entry.packages.includes(pkg)) entry.packages.push(pkg);
      if (entry.id !== wanted) out = out.replace(new RegExp(`(?<![A-Za-z0-9.-])${escapeRegExp(wanted)}(?![A-Za-z0-9.-])`, "g"), entry.id);
    }
    return out;
  }

  infos() {
    return [...this.#byKey.values()]
      .sort((a, b) => cmp(a.id, b.id))
      .map((e) => ({
        licenseId: e.id,
        name: e.name,
        extractedText: e.text || `The copyright file names '${e.name}' without giving its text.`,
        comment: `from /usr/share/doc/<package>/copyright of: ${e.packages.join(", ")}`,
      }));
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
