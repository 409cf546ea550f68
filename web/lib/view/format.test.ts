import assert from "node:assert/strict";
import { test } from "node:test";
import { formatBytes } from "./format.ts";

test("sizes in the build log's units: decimal MB with one decimal, as `(n / 1e6).toFixed(1) MB`", () => {
  assert.equal(formatBytes(79_700_000), "79.7 MB");
  assert.equal(formatBytes(999), "999 B");
  assert.equal(formatBytes(1_500), "1.5 kB");
  assert.equal(formatBytes(2_000_000_000), "2.0 GB");
});
