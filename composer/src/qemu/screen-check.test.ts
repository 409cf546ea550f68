// The screenshot check on pictures captured from real QEMU runs (fixtures/capture.ts says how):
// none of the negatives may pass as graphical; the framebuffer pattern must.

import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import sharp from "sharp";
import { classifyScreen, judge } from "./screen-check.ts";

const fixture = (name: string) => join(import.meta.dirname, "fixtures", `${name}.png`);

const negatives = {
  blank: "blank",
  "qemu-placeholder": "text-console",
  firmware: "firmware",
  "text-console": "text-console",
} as const;

for (const [name, kind] of Object.entries(negatives)) {
  test(`${name}.png is ${kind}, not graphical`, async () => {
    const v = await classifyScreen(fixture(name));
    assert.notEqual(v.kind, "graphical", v.reason);
    assert.equal(v.kind, kind, `${v.reason} ${JSON.stringify(v.stats)}`);
  });
}

test("the framebuffer pattern written by a guest script is graphical", async () => {
  const v = await classifyScreen(fixture("pattern"));
  assert.equal(v.kind, "graphical", v.reason);
});

test("a full-size picture is judged like its 320-pixel fixture", async () => {
  const big = await sharp(fixture("firmware")).resize({ width: 1280, kernel: "nearest" }).png().toBuffer();
  assert.equal((await classifyScreen(big)).kind, "firmware");
});

test("the thresholds: one colour is blank, a large filled area is graphical", () => {
  const base = { width: 320, height: 200, colours: 2, edgeDensity: 0 };
  assert.equal(judge({ ...base, backgroundShare: 1, filledShare: 0 }).kind, "blank");
  assert.equal(judge({ ...base, backgroundShare: 0.7, filledShare: 0.3 }).kind, "graphical");
  assert.equal(judge({ ...base, backgroundShare: 0.5, filledShare: 0 }).kind, "graphical");
  assert.equal(judge({ ...base, backgroundShare: 0.9, filledShare: 0.02 }).kind, "firmware");
  assert.equal(judge({ ...base, backgroundShare: 0.95, filledShare: 0 }).kind, "text-console");
});
