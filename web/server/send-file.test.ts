import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRange } from "./send-file.ts";

test("parseRange: one bytes range, open-ended and suffix forms, clamped to the file", () => {
  assert.deepEqual(parseRange(undefined, 100), { kind: "whole" });
  assert.deepEqual(parseRange("bytes=0-9", 100), { kind: "part", start: 0, end: 9 });
  assert.deepEqual(parseRange("bytes=90-", 100), { kind: "part", start: 90, end: 99 });
  assert.deepEqual(parseRange("bytes=-10", 100), { kind: "part", start: 90, end: 99 });
  assert.deepEqual(parseRange("bytes=-1000", 100), { kind: "part", start: 0, end: 99 });
  assert.deepEqual(parseRange("bytes=50-5000", 100), { kind: "part", start: 50, end: 99 });
  assert.deepEqual(parseRange("BYTES = 1 - 2", 100), { kind: "part", start: 1, end: 2 });
});

test("parseRange: past the end, reversed, empty or garbage bytes ranges are unsatisfiable", () => {
  for (const h of ["bytes=100-", "bytes=100-200", "bytes=9-3", "bytes=-0", "bytes=-", "bytes=abc", "bytes=1-x"]) {
    assert.deepEqual(parseRange(h, 100), { kind: "unsatisfiable" }, h);
  }
  assert.deepEqual(parseRange("bytes=-5", 0), { kind: "unsatisfiable" });
});

test("parseRange: other units and several ranges get the whole file (a server may ignore Range)", () => {
  assert.deepEqual(parseRange("items=0-1", 100), { kind: "whole" });
  assert.deepEqual(parseRange("bytes=0-1,5-6", 100), { kind: "whole" });
  assert.deepEqual(parseRange("nonsense", 100), { kind: "whole" });
});
