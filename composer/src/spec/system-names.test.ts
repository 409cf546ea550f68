import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { loadCatalog } from "../catalog/index.ts";
import { checkSpecValue } from "./check.ts";

const catalog = await loadCatalog(join(import.meta.dirname, "../../.."));
const problems = (system: Record<string, string>, extra: Record<string, unknown> = {}) =>
  checkSpecValue({ name: "a", arch: "x86_64", system, ...extra }, catalog).problems;

test("names Debian ships pass; the defaults too", () => {
  assert.deepEqual(problems({}), []);
  assert.deepEqual(problems({ timezone: "Europe/Berlin", keymap: "de-latin1", locale: "C.UTF-8" }), []);
});

test("Mars/Olympus, xx and zz are refused, each under its own field", () => {
  const found = problems({ timezone: "Mars/Olympus", locale: "xx", keymap: "zz" });
  assert.deepEqual(
    found.map((p) => p.path),
    ["system.timezone", "system.locale", "system.keymap"],
  );
  assert.match(found[0]!.message, /unknown time zone 'Mars\/Olympus' \(not in Debian's tzdata /);
  assert.match(problems({ timezone: "Europe/Berln" })[0]!.hint ?? "", /did you mean 'Europe\/Berlin'/);
});

test("a non-C locale needs the locale data: the locales-all port or package", () => {
  const [p] = problems({ locale: "de_DE.UTF-8" });
  assert.equal(p?.path, "system.locale");
  assert.match(p?.hint ?? "", /add the locales-all port/);
  assert.deepEqual(problems({ locale: "de_DE.UTF-8" }, { ports: ["locales-all"] }), []);
  assert.deepEqual(problems({ locale: "de_DE.UTF-8" }, { packages: ["locales-all"] }), []);
});
