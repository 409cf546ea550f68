import assert from "node:assert/strict";
import { test } from "node:test";
import { BrokkrError } from "../errors.ts";
import type { BinaryPackage } from "../feeds/debian/types.ts";
import { checkPlanLimits } from "./plan-limits.ts";

const pkgs = (n: number, kib: number) => Array.from({ length: n }, (_, i) => ({ package: `p${i}`, installedSize: kib }) as BinaryPackage);

test("a plan within the limits passes; none given means no limit", () => {
  checkPlanLimits(pkgs(10, 100), { packages: 10, installedBytes: 10 * 100 * 1024 });
  checkPlanLimits(pkgs(5000, 1e6), undefined);
});

test("too many packages or too many installed bytes fail as build.too-large", () => {
  for (const [list, limits, re] of [
    [pkgs(11, 1), { packages: 10, installedBytes: 1e12 }, /needs 11 packages; this server builds at most 10/],
    [pkgs(2, 1024 * 1024), { packages: 10, installedBytes: 1e9 }, /install 2\.15 GB; this server builds at most 1\.00 GB/],
  ] as const) {
    assert.throws(() => checkPlanLimits(list, limits), (e: unknown) => e instanceof BrokkrError && e.code === "build.too-large" && re.test(e.message));
  }
});
