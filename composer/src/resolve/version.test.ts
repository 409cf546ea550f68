import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { compareVersions, parseVersion, satisfies } from "./version.ts";

// Pairs chosen for the rules that version libraries tend to get wrong.
const tricky: [string, string][] = [
  ["1.0", "1.0-1"],
  ["1.0", "1.0-0"],
  ["1.0-0", "1.0-00"],
  ["1.0~rc1", "1.0"],
  ["1.0~rc1", "1.0~rc2"],
  ["1.0~~", "1.0~"],
  ["1.0~~a", "1.0~"],
  ["1.0~", "1.0"],
  ["1.0", "1.0+"],
  ["1.0", "1.0a"],
  ["1.0a", "1.0+"],
  ["1.0a", "1.0."],
  ["1.0+", "1.0."],
  ["1.0.", "1.0-0."],
  ["1.0Z", "1.0a"],
  ["1.0", "1.00"],
  ["1.01", "1.1"],
  ["1.9", "1.10"],
  ["1.10", "1.9a"],
  ["0:1.0", "1.0"],
  ["1:0.1", "2.0"],
  ["1:1.0", "0:9.9"],
  ["2:1.0", "10:0.1"],
  ["00:1.0", "0:1.0"],
  ["1.0-1", "1.0-1ubuntu1"],
  ["1.0-1", "1.0-1+b1"],
  ["1.0-1+b1", "1.0-1.1"],
  ["1.0-1~bpo1", "1.0-1"],
  ["1.0-1+deb12u1", "1.0-1+deb13u1"],
  ["1.0-a", "1.0-1"],
  ["1.0-1-2", "1.0-1-10"],
  ["1.0-1-2", "1.0-12"],
  ["3.5.4-1", "3.5.4-1~deb13u1"],
  ["257.9-1~deb13u1", "257.9-1"],
  ["2.41-12", "2.41-12+deb13u1"],
  ["1.2.3", "1.2.3.0"],
  ["1.2.3", "1.2.3a"],
  ["1.2.3~", "1.2.3"],
  ["1.0-a.", "1.0-a+"],
  ["1a", "1b"],
  ["1", "1a"],
  ["1a1", "1a01"],
  ["1a1", "1aa"],
  ["1.0.0", "1.0"],
  ["9999999999999999999999", "10000000000000000000000"],
  ["12345678901234567890123", "12345678901234567890124"],
  ["1.000000000000000000000001", "1.1"],
  ["1:99999999999999999999", "2:0"],
  ["0", "0~"],
  ["0", "00"],
  ["1.0+dfsg-1", "1.0-1"],
  ["1.0+dfsg1-1", "1.0+dfsg-1"],
  ["2.36-9+deb12u4", "2.36-9+deb12u10"],
  ["1:2.38.1-5+deb12u3", "1:2.38.1-5+b1"],
  ["7.88.1-10+deb12u5", "8.14.1-2"],
  ["1.0~beta1~svn1245", "1.0~beta1"],
  ["1.0~beta1", "1.0"],
  ["1.0~~beta", "1.0~beta"],
  ["2.0~rc1+git20240101", "2.0~rc1"],
  ["10.0", "9.0"],
  ["1.0-1", "1.0-1"],
  ["1.0", "1.0"],
  ["1:1.0", "1:1.0"],
  ["1.0+b1", "1.0-b1"],
  ["1:1.0:2-1", "1:1.0-1"],
];

// A small seeded generator, so a failing pair can be reproduced.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generatePairs(count: number): [string, string][] {
  const rand = rng(20261124);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const pieces = [
    "0",
    "1",
    "2",
    "9",
    "10",
    "01",
    "123456789012345678901",
    "a",
    "b",
    "Z",
    "~",
    "~~",
    "+",
    ".",
    "-",
  ];
  const fragment = (first: string): string => {
    let s = first;
    const n = 1 + Math.floor(rand() * 5);
    for (let i = 0; i < n; i++) s += pick(pieces);
    return s;
  };
  const version = (): string => {
    const epoch = rand() < 0.2 ? `${pick(["0", "1", "2", "10"])}:` : "";
    let upstream = fragment(pick(["0", "1", "2", "10"]));
    // A hyphen inside upstream is only legal when a revision follows.
    const revision = rand() < 0.6 || upstream.includes("-") ? `-${fragment(pick(["0", "1", "a", "2"]))}` : "";
    if (revision !== "" && revision.endsWith("-")) upstream += "1";
    const full = `${epoch}${upstream}${revision}`;
    return full.endsWith("-") ? `${full}1` : full;
  };
  const out: [string, string][] = [];
  for (let i = 0; i < count; i++) {
    const a = version();
    // Half the pairs are near-misses of each other: that is where ordering bugs hide.
    const b = rand() < 0.5 ? version() : a.slice(0, Math.max(1, a.length - 1)) + pick(pieces.slice(0, 14));
    out.push([a, b.endsWith("-") ? `${b}0` : b]);
  }
  return out;
}

/** Asks dpkg for the ordering of every pair in one shell run: -1, 0 or 1 per line. */
function dpkgOrder(pairs: [string, string][]): number[] {
  const lines = pairs.map(
    ([a, b]) =>
      `if dpkg --compare-versions '${a}' lt '${b}' ; then echo -1; ` +
      `elif dpkg --compare-versions '${a}' eq '${b}' ; then echo 0; else echo 1; fi`,
  );
  const res = spawnSync("sh", [], { input: lines.join("\n"), encoding: "utf8" });
  assert.equal(res.status, 0, res.stderr);
  // dpkg rejects malformed versions with a message; an invalid pair would make the table lie.
  assert.equal(res.stderr, "", "dpkg rejected a version in the table");
  return res.stdout.trim().split("\n").map(Number);
}

function dpkgMissing(): boolean {
  return spawnSync("dpkg", ["--version"]).status !== 0;
}

test("compareVersions agrees with dpkg on handwritten and generated pairs", (t) => {
  if (dpkgMissing()) return t.skip("dpkg is not installed");
  const pairs = [...tricky, ...generatePairs(220)];
  assert.ok(pairs.length >= 200);
  const expected = dpkgOrder(pairs);
  assert.equal(expected.length, pairs.length);
  const wrong: string[] = [];
  pairs.forEach(([a, b], i) => {
    const got = compareVersions(a, b);
    if (got !== expected[i]) wrong.push(`${a} vs ${b}: dpkg ${expected[i]}, ours ${got}`);
  });
  assert.deepEqual(wrong, []);
  // The generator must actually produce all three outcomes, or the table proves little.
  assert.ok(expected.includes(-1) && expected.includes(0) && expected.includes(1));
});

test("compareVersions is antisymmetric and reflexive", () => {
  for (const [a, b] of [...tricky, ...generatePairs(300)]) {
    assert.equal(compareVersions(a, b) + compareVersions(b, a), 0, `${a} vs ${b}`);
    assert.equal(compareVersions(a, a), 0);
  }
});

test("compareVersions is transitive on a sorted sample", () => {
  const sample = [...new Set(generatePairs(150).flat())].sort(compareVersions);
  for (let i = 0; i + 2 < sample.length; i++) {
    assert.ok(compareVersions(sample[i]!, sample[i + 2]!) <= 0, `${sample[i]} <= ${sample[i + 2]}`);
  }
});

test("known orderings from Debian policy", () => {
  assert.equal(compareVersions("1.0", "1.0-1"), -1);
  assert.equal(compareVersions("1.0", "1.0-0"), 0);
  assert.equal(compareVersions("1.0~rc1", "1.0"), -1);
  assert.equal(compareVersions("1:0.1", "9.9"), 1);
  assert.equal(compareVersions("9999999999999999999999", "10000000000000000000000"), -1);
});

test("parseVersion splits at the first colon and the last hyphen", () => {
  assert.deepEqual(parseVersion("1:2.3-4-5"), { epoch: "1", upstream: "2.3-4", revision: "5" });
  assert.deepEqual(parseVersion("2.3"), { epoch: "", upstream: "2.3", revision: "" });
});

test("satisfies covers every operator, including the obsolete < and >", () => {
  assert.ok(satisfies("1.0", "<<", "1.1"));
  assert.ok(!satisfies("1.1", "<<", "1.1"));
  assert.ok(satisfies("1.1", "<=", "1.1"));
  assert.ok(satisfies("1.1", "<", "1.1"));
  assert.ok(!satisfies("1.2", "<", "1.1"));
  assert.ok(satisfies("1.0", "=", "0:1.0-0"));
  assert.ok(!satisfies("1.0", "=", "1.0-1"));
  assert.ok(satisfies("1.1", ">=", "1.1"));
  assert.ok(satisfies("1.1", ">", "1.1"));
  assert.ok(!satisfies("1.0", ">", "1.1"));
  assert.ok(satisfies("1.2", ">>", "1.1"));
  assert.ok(!satisfies("1.1", ">>", "1.1"));
});
