import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import canonicalize from "canonicalize";
import { baselineGoldens, expectedGolden, goldenMismatch } from "./goldens.ts";
import { errata, errataVersion } from "./index.ts";

test("the baseline goldens are the ones of 6ed9ae3: a change needs an erratum, not an edit", () => {
  const digest = createHash("sha256").update(canonicalize(baselineGoldens)!).digest("hex");
  assert.equal(digest, "cd0548dc783ce97eba5c51a893f27c3581b0600fea450a5e7f064028f88fb883");
});

test("errata count up from 1 without gaps, each one line, each golden it names known", () => {
  errata.forEach((e, i) => {
    assert.equal(e.version, i + 1, `erratum ${i} has version ${e.version}`);
    assert.ok(e.change.trim() !== "" && !e.change.includes("\n"), `erratum ${e.version}: one line`);
    for (const [name, sha] of Object.entries(e.goldens ?? {})) {
      assert.ok(name in baselineGoldens || errata.slice(0, i).some((p) => p.goldens?.[name]), `erratum ${e.version}: golden ${name}`);
      assert.match(sha, /^[0-9a-f]{64}$/);
    }
  });
  assert.equal(errataVersion, errata.length);
});

test("a moved golden fails with a message that says to add an erratum", () => {
  const name = "formats/cpio: a fixed tree";
  assert.equal(expectedGolden(name), baselineGoldens[name]);
  assert.match(goldenMismatch(name, Buffer.from("other bytes")) ?? "", /add an erratum to composer\/src\/errata\/index\.ts/);
  assert.throws(() => expectedGolden("formats/none: nothing"), /no golden named/);
});
