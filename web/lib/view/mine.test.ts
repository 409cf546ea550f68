import assert from "node:assert/strict";
import { test } from "node:test";
import { forgetId, myIds, rememberId } from "./mine.ts";

const store = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
};
const id = (c: string) => c.repeat(64);

test("newest first, no repeats, only schematic IDs, forgettable", () => {
  const s = store();
  rememberId(s, id("a"));
  rememberId(s, id("b"));
  rememberId(s, id("a"));
  rememberId(s, "not-an-id");
  assert.deepEqual(myIds(s), [id("a"), id("b")]);
  forgetId(s, id("a"));
  assert.deepEqual(myIds(s), [id("b")]);
  s.setItem("brokkr.my-schematics", "{broken");
  assert.deepEqual(myIds(s), []);
});
