import assert from "node:assert/strict";
import { test } from "node:test";
import { BrokkrError } from "../errors.ts";
import type { BinaryPackage } from "../feeds/debian/types.ts";
import { testPackage } from "../feeds/debian/test-package.ts";
import { fromLock, toLock } from "./lockfile.ts";
import { buildIndex } from "./package-index.ts";
import { resolvePackages } from "./solver.ts";

function pkg(name: string, version: string, architecture = "amd64", depends = ""): BinaryPackage {
  return testPackage(name, { version, architecture, depends });
}

const index = [
  pkg("zlib1g", "1:1.3-1"),
  pkg("app", "2.0", "amd64", "zlib1g, data"),
  pkg("app", "1.0", "amd64", "zlib1g"),
  pkg("data", "5", "all"),
  pkg("app", "2.0", "arm64", "zlib1g"),
];

test("lock round trip rebuilds exactly the solved set", () => {
  const solved = resolvePackages(index, { arch: "amd64", install: ["app"], withRequired: false }).packages;
  const lock = toLock(solved);
  assert.deepEqual(lock, [
    { package: "app", version: "2.0", arch: "amd64", sha256: solved[0]!.sha256 },
    { package: "data", version: "5", arch: "all", sha256: solved[1]!.sha256 },
    { package: "zlib1g", version: "1:1.3-1", arch: "amd64", sha256: solved[2]!.sha256 },
  ]);
  const rebuilt = fromLock(lock, buildIndex(index));
  assert.equal(rebuilt.length, 3);
  for (const [i, p] of rebuilt.entries()) assert.equal(p, solved[i], "the very index objects come back");
});

test("a lock is authoritative: an older locked version is taken, not re-solved", () => {
  const app1 = index[2]!;
  const lock = toLock([index[0]!, app1]);
  assert.deepEqual(
    fromLock(lock, index).map((p) => `${p.package} ${p.version}`),
    ["app 1.0", "zlib1g 1:1.3-1"],
  );
});

test("toLock sorts by package then arch", () => {
  const lock = toLock([index[4]!, index[0]!, index[1]!]);
  assert.deepEqual(
    lock.map((e) => `${e.package}:${e.arch}`),
    ["app:amd64", "app:arm64", "zlib1g:amd64"],
  );
});

test("missing, changed and duplicated entries are each named in one lock-mismatch error", () => {
  const lock = toLock([index[0]!, index[1]!, index[3]!]);
  lock[0] = { ...lock[0]!, version: "3.0" }; // app 3.0 is not in the index
  lock[1] = { ...lock[1]!, sha256: "f".repeat(64) }; // data changed on the mirror
  lock.push({ ...lock[2]! }); // zlib1g twice
  lock.push({ package: "ghost", version: "1", arch: "all", sha256: "0".repeat(64) });
  let caught: unknown;
  try {
    fromLock(lock, index);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof BrokkrError);
  assert.equal(caught.code, "resolve.lock-mismatch");
  assert.match(caught.message, /app, data, zlib1g, ghost/);
  const messages = caught.problems.map((p) => `${p.path} ${p.message}`);
  assert.deepEqual(messages, [
    "lock[0] app 3.0 amd64 is not in the index; it has 2.0 (amd64), 2.0 (arm64), 1.0 (amd64)",
    `lock[1] data 5 all: sha256 is ${index[3]!.sha256} in the index, ${"f".repeat(64)} in the lock`,
    "lock[3] zlib1g (amd64) is locked more than once",
    "lock[4] ghost 1 all is not in the index",
  ]);
  assert.ok(caught.hint?.includes("without --lock"));
});
