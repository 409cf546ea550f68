import assert from "node:assert/strict";
import { test } from "node:test";
import { forEachStanza, parseStanzas } from "./deb822.ts";

test("parses stanzas, lowercases keys, trims values, keeps colons inside values", () => {
  const text = "Package: a\nVERSION:  1:2.0-1  \nDepends: b (>= 1:1), c\n\nPackage: b\nMulti-Arch: same\n";
  assert.deepEqual(parseStanzas(text), [
    { package: "a", version: "1:2.0-1", depends: "b (>= 1:1), c" },
    { package: "b", "multi-arch": "same" },
  ]);
});

test("continuation lines: leading space dropped, ' .' is an empty line, empty first line", () => {
  const text = "Description: short\n long line one\n .\n   indented\nSHA256:\n aa 1 x\n bb 2 y\nNext: v\n";
  const [s] = parseStanzas(text);
  assert.equal(s?.["description"], "short\nlong line one\n\n  indented");
  assert.equal(s?.["sha256"], "aa 1 x\nbb 2 y");
  assert.equal(s?.["next"], "v");
});

test("separators: several blank lines, whitespace-only lines, CRLF, no final newline, leading blanks", () => {
  const text = "\n\nA: 1\r\nB: x\r\n continued\r\n\r\n \t \nA: 2\n\n\n\nA: 3";
  assert.deepEqual(parseStanzas(text), [{ a: "1", b: "x\ncontinued" }, { a: "2" }, { a: "3" }]);
});

test("comments only when asked; a comment inside a stanza neither ends it nor the field", () => {
  const text =
    "Types: deb\n# URIs: http://commented.example/\nURIs: http://mirror.example/debian\nSigned-By:\n line1\n# note\n line2\n";
  const withComments = parseStanzas(text, { comments: true });
  assert.deepEqual(withComments, [
    { types: "deb", uris: "http://mirror.example/debian", "signed-by": "line1\nline2" },
  ]);
  // Without the option a "#" line is a (malformed) field line and must not leak into values.
  const strict = parseStanzas("A: 1\n#B 2\nC: 3\n");
  assert.deepEqual(strict, [{ a: "1", c: "3" }]);
});

test("field filter drops other fields and their continuation lines", () => {
  const text = "Package: a\nDescription: d\n Package: not-a-field\nVersion: 1\n";
  assert.deepEqual(parseStanzas(text, { fields: new Set(["package", "version"]) }), [
    { package: "a", version: "1" },
  ]);
});

test("continuation line with no field before it is ignored", () => {
  assert.deepEqual(parseStanzas(" orphan\nA: 1\n"), [{ a: "1" }]);
});

test("empty input and input with only blank lines give no stanzas", () => {
  assert.deepEqual(parseStanzas(""), []);
  assert.deepEqual(parseStanzas("\n \n\n"), []);
});

test("forEachStanza stops when the callback returns false", () => {
  const seen: string[] = [];
  forEachStanza("A: 1\n\nA: 2\n\nA: 3\n", (s) => {
    seen.push(s["a"] ?? "");
    return seen.length < 2 ? undefined : false;
  });
  assert.deepEqual(seen, ["1", "2"]);
});

test("a large index parses quickly (indexOf scanner, not regex per line)", () => {
  const one = "Package: p\nVersion: 1\nDescription: x\n more\n more\nSHA256: ab\n\n";
  const text = one.repeat(100_000);
  const t0 = performance.now();
  let n = 0;
  forEachStanza(text, () => {
    n++;
  });
  const ms = performance.now() - t0;
  assert.equal(n, 100_000);
  assert.ok(ms < 3000, `took ${ms} ms`);
});
