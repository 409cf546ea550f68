import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { test } from "node:test";
import { sha256Hex, sha256HexPortable } from "./sha256.ts";

test("our own sha256 (the browser's) equals node:crypto around the block boundaries", () => {
  for (const len of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 4096]) {
    const data = randomBytes(len);
    const want = createHash("sha256").update(data).digest("hex");
    assert.equal(sha256HexPortable(data), want, `length ${len}`);
    assert.equal(sha256Hex(data), want, `length ${len}`);
  }
});
