import assert from "node:assert/strict";
import { test } from "node:test";
import { WriteWindow } from "./limits.ts";

test("the write window counts a client's writes in the last minute only", () => {
  const w = new WriteWindow(60_000, 10);
  assert.equal(w.record("a", 0), 1);
  assert.equal(w.record("a", 30_000), 2);
  assert.equal(w.record("b", 30_000), 1);
  assert.equal(w.record("a", 61_000), 2, "the write at 0 left the window");
});

test("the window tracks a bounded number of clients, forgetting the longest idle", () => {
  const w = new WriteWindow(60_000, 2);
  w.record("a", 0);
  w.record("a", 1);
  w.record("b", 2);
  w.record("c", 3); // "a" is forgotten
  assert.equal(w.record("a", 4), 1);
});
