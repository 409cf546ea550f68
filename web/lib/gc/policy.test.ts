import assert from "node:assert/strict";
import { test } from "node:test";
import { type GcBuild, type GcPolicy, planGc, servedBuild } from "./policy.ts";

const hour = 3_600_000;
const now = new Date(100 * hour);
const at = (h: number) => new Date(h * hour);
const b = (id: string, fields: Partial<GcBuild> = {}): GcBuild => ({
  id,
  schematicId: "s",
  status: "succeeded",
  lockKey: "",
  errata: 2,
  finishedAt: at(90),
  bytes: 100,
  ...fields,
});
const policy: GcPolicy = { now, currentErrata: 2, graceMs: 24 * hour, storeCapBytes: Infinity, rowRetentionMs: 30 * 24 * hour };

test("the served build: newest good own build at the current errata, else the newest good one", () => {
  const old = b("old", { errata: 1, finishedAt: at(95) });
  const cur = b("cur", { errata: 2, finishedAt: at(50) });
  const lock = b("lock", { lockKey: "k", finishedAt: at(99) });
  const failed = b("failed", { status: "failed", finishedAt: at(99) });
  assert.equal(servedBuild([old, cur, lock, failed], 2)?.id, "cur");
  assert.equal(servedBuild([old, lock, failed], 2)?.id, "old", "until a rebuild exists the old bytes stay served");
  assert.equal(servedBuild([lock, failed], 2), undefined, "a lock build is never served");
});

test("served builds stay; others lose their artifacts after the grace period", () => {
  const plan = planGc(
    [
      b("served", { finishedAt: at(10) }),
      b("superseded", { finishedAt: at(5) }),
      b("young-failed", { status: "failed", finishedAt: at(90) }),
      b("old-lock", { lockKey: "k", finishedAt: at(1) }),
      b("running", { status: "running", finishedAt: null }),
    ],
    policy,
  );
  assert.deepEqual(plan.served, new Map([["s", "served"]]));
  assert.deepEqual(plan.dropArtifacts.sort(), ["old-lock", "superseded"]);
});

test("over the store cap, unserved builds go oldest first, even inside the grace period; served ones never", () => {
  const builds = [b("served", { finishedAt: at(99) }), b("a", { finishedAt: at(97) }), b("b", { finishedAt: at(98) }), b("other", { schematicId: "t", finishedAt: at(96) })];
  const plan = planGc(builds, { ...policy, storeCapBytes: 250 });
  assert.deepEqual(plan.dropArtifacts, ["a", "b"]);
  assert.equal(plan.overCapBytes, 0);
  const tight = planGc(builds, { ...policy, storeCapBytes: 50 });
  assert.deepEqual(tight.dropArtifacts.sort(), ["a", "b"]);
  assert.equal(tight.overCapBytes, 150, "two served builds are left: 200 bytes over a 50-byte cap");
});

test("rows without artifacts go after the row retention; queued and running builds are never touched", () => {
  const plan = planGc(
    [b("served"), b("ancient-failed", { status: "failed", bytes: 0, finishedAt: at(-1000) }), b("queued", { status: "queued", finishedAt: null, bytes: 0 })],
    { ...policy, rowRetentionMs: 10 * hour },
  );
  assert.deepEqual(plan.dropRows, ["ancient-failed"]);
});
