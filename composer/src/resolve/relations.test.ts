import assert from "node:assert/strict";
import { test } from "node:test";
import { BrokkrError } from "../errors.ts";
import { formatGroup, parseProvides, parseRelations } from "./relations.ts";

test("parses AND of OR lists with versions and arch qualifiers", () => {
  const rels = parseRelations("a (>= 1.2) | b:any, c [amd64] <!nocheck>, d:amd64");
  assert.deepEqual(rels, [
    [
      { name: "a", op: ">=", version: "1.2" },
      { name: "b", arch: "any" },
    ],
    [{ name: "c" }],
    [{ name: "d", arch: "amd64" }],
  ]);
});

test("tolerates folded lines, missing spaces and the obsolete < and > operators", () => {
  const rels = parseRelations("libc6 (>=2.36),\n libfoo1(<< 2:1.0~rc1-1)|\n  libbar:native ( > 3 ), x (<1)");
  assert.deepEqual(rels, [
    [{ name: "libc6", op: ">=", version: "2.36" }],
    [
      { name: "libfoo1", op: "<<", version: "2:1.0~rc1-1" },
      { name: "libbar", arch: "native", op: ">", version: "3" },
    ],
    [{ name: "x", op: "<", version: "1" }],
  ]);
  assert.deepEqual(parseRelations(""), []);
  assert.deepEqual(parseRelations("a, , b"), [[{ name: "a" }], [{ name: "b" }]]);
});

test("architecture lists drop alternatives only when an arch is given", () => {
  const field = "a [amd64 arm64] | b [!amd64], c [linux-any], d [any-riscv64]";
  assert.deepEqual(parseRelations(field, { arch: "amd64" }), [[{ name: "a" }], [{ name: "c" }]]);
  assert.deepEqual(parseRelations(field, { arch: "riscv64" }), [
    [{ name: "b" }],
    [{ name: "c" }],
    [{ name: "d" }],
  ]);
  assert.equal(parseRelations(field).length, 3);
  assert.equal(parseRelations(field)[0]!.length, 2);
});

test("build profiles: negated terms hold with no profile active, any list may hold", () => {
  assert.deepEqual(parseRelations("a <!nocheck>, b <nocheck>, c <stage1 cross> <!stage2>"), [
    [{ name: "a" }],
    [{ name: "c" }],
  ]);
  assert.deepEqual(parseRelations("a <!nocheck>, b <nocheck>, c <stage1 cross>", { profiles: ["nocheck"] }), [
    [{ name: "b" }],
  ]);
  assert.deepEqual(parseRelations("c <stage1 cross>", { profiles: ["stage1", "cross"] }), [[{ name: "c" }]]);
});

test("Provides keep versions only for =", () => {
  assert.deepEqual(parseProvides("foo (= 1.0), bar, baz:any (= 2)"), [
    { name: "foo", version: "1.0" },
    { name: "bar" },
    { name: "baz", version: "2" },
  ]);
});

test("malformed relations throw deb.invalid naming the text", () => {
  for (const bad of ["a (>= )", "a (~= 1)", "(>= 1)", "a b"]) {
    assert.throws(
      () => parseRelations(bad),
      (e: unknown) =>
        e instanceof BrokkrError && e.code === "deb.invalid" && e.message.includes("bad relation"),
      bad,
    );
  }
});

test("formatGroup writes relations back in Debian syntax", () => {
  const [group] = parseRelations("a (>= 1.2) | b:any");
  assert.equal(formatGroup(group!), "a (>= 1.2) | b:any");
});
