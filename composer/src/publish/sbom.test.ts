import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { Ajv } from "ajv";
import type { BinaryPackage } from "../feeds/debian/types.ts";
import { testPackage } from "../feeds/debian/test-package.ts";
import { writeTar } from "../rootfs/deb-fixture.ts";
import { copyrightsOf, purlOf, sbomDocument, sbomJson } from "./sbom.ts";

// The SPDX 2.3 JSON Schema (draft-07), as published by the SPDX project: see fixtures/README.md.
const schema = JSON.parse(readFileSync(new URL("./fixtures/spdx-schema-2.3.json", import.meta.url), "utf8"));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

function pkg(name: string, fields: Partial<BinaryPackage> = {}): BinaryPackage {
  return testPackage(name, { version: "1.0-1", filename: `pool/main/${name[0]}/${name}/${name}_1.0-1_amd64.deb`, ...fields });
}

const dep5 = (license: string, extra = "") =>
  `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nCopyright: someone\nLicense: ${license}\n${extra}`;

const packages = [
  pkg("libc6", { version: "2.41-12", sha256: "1".repeat(64) }),
  pkg("libstdc++6", { version: "1:14.2.0-19", depends: "libc6 (>= 2.36), libgcc-s1" }),
  pkg("systemd", { depends: "libc6, default-dbus-system-bus | dbus-system-bus, no-such-package", preDepends: "libc6" }),
  pkg("dbus", { provides: "dbus-system-bus", depends: "libc6" }),
  pkg("tzdata", { architecture: "all", version: "2025b-4" }),
];
const copyrights = new Map([
  ["libc6", dep5("LGPL-2.1+ and GPL-2 with Linux-syscall-note exception")],
  ["systemd", dep5("LGPL-2.1+ or permissive", "\nLicense: permissive\n Text A.\n")],
  ["dbus", dep5("permissive", "\nLicense: permissive\n Text B, which is not text A.\n")],
  ["tzdata", "tzdata is in the public domain (not a machine-readable file)\n"],
]);
const input = { name: "minimal", schematicId: "ab".repeat(32), sourceDateEpoch: 1_750_000_000, packages, copyrights };

test("the SBOM validates against the SPDX 2.3 JSON Schema", () => {
  const doc = JSON.parse(sbomJson(input).toString("utf8")) as ReturnType<typeof sbomDocument>;
  const ok = validate(doc);
  assert.ok(ok, JSON.stringify(validate.errors, null, 2));
  assert.equal(doc.spdxVersion, "SPDX-2.3");
  assert.equal(doc.creationInfo.created, "2025-06-15T15:06:40Z");
  assert.match(doc.documentNamespace, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test("the schema check is not vacuous: a broken document fails it", () => {
  const doc = sbomDocument(input) as Record<string, unknown>;
  assert.equal(validate({ ...doc, creationInfo: { creators: [] } }), false);
  assert.equal(validate({ ...doc, relationships: [{ spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "OWNS", relatedSpdxElement: "x" }] }), false);
});

test("each package carries its version, arch, the .deb's sha256, a purl and its declared license", () => {
  const doc = sbomDocument(input);
  const byName = new Map(doc.packages.map((p) => [p.name, p]));
  const libc = byName.get("libc6")!;
  assert.equal(libc.versionInfo, "2.41-12");
  assert.deepEqual(libc.checksums, [{ algorithm: "SHA256", checksumValue: "1".repeat(64) }]);
  assert.equal(libc.licenseDeclared, "LGPL-2.1-or-later AND GPL-2.0-only WITH Linux-syscall-note");
  assert.deepEqual(libc.externalRefs, [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: "pkg:deb/debian/libc6@2.41-12?arch=amd64" }]);
  assert.equal(byName.get("libstdc++6")!.SPDXID, "SPDXRef-Package-libstdc--6-amd64");
  assert.equal(purlOf(packages[1]!), "pkg:deb/debian/libstdc++6@1%3A14.2.0-19?arch=amd64");
  assert.equal(byName.get("tzdata")!.licenseDeclared, "NOASSERTION");
  assert.equal(byName.get("libstdc++6")!.licenseDeclared, "NOASSERTION");
  assert.equal(byName.get("tzdata")!.packageFileName, "tzdata_1.0-1_amd64.deb");
});

test("one local license name with two texts gets two LicenseRefs, each with its text", () => {
  const doc = sbomDocument(input);
  const byName = new Map(doc.packages.map((p) => [p.name, p]));
  assert.equal(byName.get("dbus")!.licenseDeclared, "LicenseRef-permissive");
  assert.equal(byName.get("systemd")!.licenseDeclared, "LGPL-2.1-or-later OR LicenseRef-permissive-2");
  assert.deepEqual(
    doc.hasExtractedLicensingInfos?.map((i) => [i.licenseId, i.extractedText]),
    [
      ["LicenseRef-permissive", "Text B, which is not text A."],
      ["LicenseRef-permissive-2", "Text A."],
    ],
  );
});

test("relationships: DESCRIBES the image, the image CONTAINS each package, DEPENDS_ON where the set resolves it", () => {
  const doc = sbomDocument(input);
  const rel = (t: string) => doc.relationships.filter((r) => r.relationshipType === t).map((r) => `${r.spdxElementId} ${r.relatedSpdxElement}`);
  assert.deepEqual(rel("DESCRIBES"), ["SPDXRef-DOCUMENT SPDXRef-Image"]);
  assert.equal(rel("CONTAINS").length, packages.length);
  assert.deepEqual(rel("DEPENDS_ON"), [
    "SPDXRef-Package-dbus-amd64 SPDXRef-Package-libc6-amd64",
    "SPDXRef-Package-libstdc--6-amd64 SPDXRef-Package-libc6-amd64",
    // dbus by its Provides, once for libc6 although Pre-Depends names it too; no-such-package is left out.
    "SPDXRef-Package-systemd-amd64 SPDXRef-Package-dbus-amd64",
    "SPDXRef-Package-systemd-amd64 SPDXRef-Package-libc6-amd64",
  ]);
});

test("reproducible: the same input gives the same bytes in any order; another lock another namespace", () => {
  const a = sbomJson(input);
  assert.deepEqual(sbomJson({ ...input, packages: [...packages].reverse() }), a);
  const other = sbomDocument({ ...input, packages: [...packages.slice(1), pkg("libc6", { version: "2.41-13", sha256: "2".repeat(64) })] });
  assert.notEqual(other.documentNamespace, sbomDocument(input).documentNamespace);
});

test("copyrightsOf reads each package's copyright, through a doc directory that is a symlink", () => {
  const gcc = pkg("gcc-14-base");
  const std = pkg("libstdc++6");
  const none = pkg("busybox-static");
  const tars = [
    writeTar([
      { path: "./usr/share/doc/gcc-14-base/", flag: "5" },
      { path: "./usr/share/doc/gcc-14-base/copyright", data: "GCC's copyright" },
    ]),
    writeTar([{ path: "./usr/share/doc/libstdc++6", flag: "2", linkname: "gcc-14-base" }]),
    writeTar([{ path: "./usr/bin/busybox", data: "x" }]),
  ];
  const got = copyrightsOf([gcc, std, none], tars);
  assert.deepEqual([...got], [
    ["gcc-14-base", "GCC's copyright"],
    ["libstdc++6", "GCC's copyright"],
  ]);
});
