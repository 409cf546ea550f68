import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { declaredLicense, refRef, spdxId, toSpdx } from "./licenses.ts";

const spdx = (line: string) => toSpdx(line, refRef);

test("Debian short names map onto SPDX ids; and/or become AND/OR; a comma closes what comes before", () => {
  assert.equal(spdx("GPL-2+"), "GPL-2.0-or-later");
  assert.equal(spdx("GPL-2"), "GPL-2.0-only");
  assert.equal(spdx("LGPL-2.1+"), "LGPL-2.1-or-later");
  assert.equal(spdx("GPL-2.0+"), "GPL-2.0-or-later");
  assert.equal(spdx("GPL-3.0-or-later"), "GPL-3.0-or-later");
  assert.equal(spdx("Expat"), "MIT");
  assert.equal(spdx("BSD-3-clause"), "BSD-3-Clause");
  assert.equal(spdx("GFDL-NIV-1.3+"), "GFDL-1.3-no-invariants-or-later");
  assert.equal(spdx("GPL-1+ or Artistic"), "GPL-1.0-or-later OR Artistic-1.0-Perl");
  assert.equal(spdx("LGPL-2.1+ and GPL-2"), "LGPL-2.1-or-later AND GPL-2.0-only");
  assert.equal(spdx("GPL-2+ or AFL-2.1, and Expat and Tcl-BSDish"), "(GPL-2.0-or-later OR LicenseRef-AFL-2.1) AND (MIT AND LicenseRef-Tcl-BSDish)");
  assert.equal(spdx("REGCOMP, and GPL-1+ or Artistic"), "LicenseRef-REGCOMP AND (GPL-1.0-or-later OR Artistic-1.0-Perl)");
});

test("`with X exception` becomes WITH for SPDX's exceptions, and a LicenseRef for any other", () => {
  assert.equal(spdx("GPL-2 with Linux-syscall-note exception"), "GPL-2.0-only WITH Linux-syscall-note");
  assert.equal(spdx("GPL-3+ with Bison exception"), "GPL-3.0-or-later WITH Bison-exception-2.2");
  assert.equal(spdx("GPL-3+ with Autoconf exception"), "GPL-3.0-or-later WITH Autoconf-exception-3.0");
  assert.equal(spdx("GPL-2+ with OpenSSL exception"), "LicenseRef-GPL-2-plus-with-OpenSSL-exception");
});

test("names SPDX does not know become LicenseRefs made of the characters SPDX allows", () => {
  assert.equal(spdxId("public-domain"), undefined);
  assert.equal(spdx("public-domain"), "LicenseRef-public-domain");
  assert.equal(spdx("MIT/X11"), "LicenseRef-MIT-X11");
  assert.equal(spdx("GPL-7+"), "LicenseRef-GPL-7-plus");
  assert.equal(refRef("+++"), "LicenseRef-plus-plus-plus");
  assert.equal(refRef("()"), "LicenseRef-unnamed");
});

const dep5 = `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: demo

Files: *
Copyright: 2020 Someone
License: GPL-2+

Files: lib/*
Copyright: 2021 Else
License: Expat or permissive
 A short permissive text given right here.

Files: doc/*
Copyright: 2021 Else
License: GPL-2+

License: permissive
 Do what you like with it.
`;

test("declaredLicense: the Files paragraphs' licenses, ANDed once each; a named license takes its stand-alone text", () => {
  const d = declaredLicense(dep5);
  assert.equal(d.expression, "GPL-2.0-or-later AND (MIT OR LicenseRef-permissive)");
  assert.deepEqual([...d.refs], [["permissive", "Do what you like with it."]]);
});

test("declaredLicense: NOASSERTION for a copyright file that is not machine-readable, or has no License in a Files paragraph", () => {
  assert.equal(declaredLicense(undefined).expression, "NOASSERTION");
  assert.equal(declaredLicense("This package was debianized by someone.\n\nLicense: GPL-2+\n").expression, "NOASSERTION");
  assert.equal(declaredLicense(dep5.replace(/^Format: .*$/m, "Format: https://example.org/other")).expression, "NOASSERTION");
  assert.equal(declaredLicense("Format: http://www.debian.org/doc/packaging-manuals/copyright-format/1.0\n\nFiles: *\nCopyright: x\n").expression, "NOASSERTION");
  assert.equal(declaredLicense("Format: http://www.debian.org/doc/packaging-manuals/copyright-format/1.0\n\nFiles: *\nLicense: ISC\n").expression, "ISC");
});

// SPDX 2.3 Annex D: id ["+"] [WITH exception] joined by AND/OR with parentheses. The JSON Schema
// does not check expressions, so this grammar does.
function isSpdxExpression(s: string): boolean {
  const tokens = s.match(/\(|\)|[A-Za-z0-9.+-]+/g) ?? [];
  if (tokens.join(" ").replace(/\( /g, "(").replace(/ \)/g, ")") !== s) return false;
  let i = 0;
  const term = (): boolean => {
    if (tokens[i] === "(") {
      i++;
      if (!expr() || tokens[i] !== ")") return false;
      i++;
      return true;
    }
    const id = tokens[i++];
    if (!id || /^(AND|OR|WITH)$/.test(id) || !/^(LicenseRef-[A-Za-z0-9.-]+|[A-Za-z0-9][A-Za-z0-9.-]*\+?)$/.test(id)) return false;
    if (tokens[i] === "WITH") {
      i++;
      const ex = tokens[i++];
      return ex !== undefined && /^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(ex);
    }
    return true;
  };
  const expr = (): boolean => {
    if (!term()) return false;
    while (tokens[i] === "AND" || tokens[i] === "OR") {
      i++;
      if (!term()) return false;
    }
    return true;
  };
  return expr() && i === tokens.length;
}

test("every machine-readable copyright file on this host gives a well-formed SPDX expression", () => {
  let checked = 0;
  for (const pkg of readdirSync("/usr/share/doc")) {
    let text: string;
    try {
      text = readFileSync(`/usr/share/doc/${pkg}/copyright`, "utf8");
    } catch {
      continue;
    }
    const d = declaredLicense(text);
    if (d.expression === "NOASSERTION") continue;
    checked++;
    assert.ok(isSpdxExpression(d.expression), `${pkg}: ${d.expression}`);
    for (const local of d.refs.keys()) assert.ok(d.expression.includes(refRef(local)), `${pkg}: ${local} is named in the expression`);
  }
  assert.ok(checked >= 100, `only ${checked} DEP-5 copyright files found under /usr/share/doc`);
});
