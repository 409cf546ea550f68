import assert from "node:assert/strict";
import { test } from "node:test";
import { BrokkrError } from "../errors.ts";
import type { BinaryPackage } from "../feeds/debian/types.ts";
import { testPackage } from "../feeds/debian/test-package.ts";
import { checkClosure } from "./closure.ts";
import { buildIndex } from "./package-index.ts";
import { type ResolveRequest, resolvePackages } from "./solver.ts";

function pkg(spec: string, fields: Partial<BinaryPackage> = {}): BinaryPackage {
  const [name, version = "1.0", architecture = "amd64"] = spec.split(" ");
  return testPackage(name!, { version, architecture, ...fields });
}

/** Solves and checks the result with the independent closure checker; returns the chosen "name version" list. */
function solve(
  index: BinaryPackage[],
  req: Partial<ResolveRequest>,
): { got: string[]; reasons: Map<string, string> } {
  const full = { arch: "amd64", install: [], withRequired: false, ...req };
  const res = resolvePackages(index, full);
  assert.deepEqual(checkClosure(res.packages, index, full.arch), []);
  const names = res.packages.map((p) => p.package);
  assert.deepEqual(names, [...names].sort(), "output is sorted by name");
  return { got: res.packages.map((p) => `${p.package} ${p.version}`), reasons: res.reasons };
}

function unsatisfiable(fn: () => unknown, ...fragments: string[]): BrokkrError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof BrokkrError, `expected a BrokkrError, got ${String(caught)}`);
  assert.equal(caught.code, "resolve.unsatisfiable");
  const text = [
    caught.message,
    caught.hint ?? "",
    ...caught.problems.map((p) => `${p.path}: ${p.message}`),
  ].join("\n");
  for (const f of fragments) assert.ok(text.includes(f), `"${f}" not in:\n${text}`);
  return caught;
}

test("picks the highest version and follows Depends transitively", () => {
  const index = [
    pkg("app 1.0", { depends: "lib (>= 1)" }),
    pkg("app 2.0", { depends: "lib (>= 2)" }),
    pkg("lib 1.5"),
    pkg("lib 2.1"),
  ];
  assert.deepEqual(solve(index, { install: ["app"] }).got, ["app 2.0", "lib 2.1"]);
});

test("alternatives: the first is taken unless another is selected anyway", () => {
  const index = [pkg("app", { depends: "x | y" }), pkg("x"), pkg("y"), pkg("tool", { depends: "y" })];
  assert.deepEqual(solve(index, { install: ["app"] }).got, ["app 1.0", "x 1.0"]);
  assert.deepEqual(solve(index, { install: ["app", "y"] }).got, ["app 1.0", "y 1.0"]);
  // Choices wait for plain dependencies, so y (pulled in by tool later in the queue) wins.
  assert.deepEqual(solve(index, { install: ["app", "tool"] }).got, ["app 1.0", "tool 1.0", "y 1.0"]);
});

test("an alternative that does not exist or is too old is skipped", () => {
  const index = [pkg("app", { depends: "gone | old (>= 2) | ok" }), pkg("old 1.0"), pkg("ok")];
  assert.deepEqual(solve(index, { install: ["app"] }).got, ["app 1.0", "ok 1.0"]);
});

test("virtual packages: a selected provider first, then by priority, then by name", () => {
  const index = [
    pkg("app", { depends: "mta" }),
    pkg("zeta-mta", { provides: "mta", priority: "standard" }),
    pkg("alpha-mta", { provides: "mta" }),
    pkg("beta-mta", { provides: "mta", priority: "important" }),
    pkg("gamma-mta", { provides: "mta" }),
  ];
  assert.deepEqual(solve(index, { install: ["app"] }).got, ["app 1.0", "beta-mta 1.0"]);
  assert.deepEqual(solve(index, { install: ["app", "gamma-mta"] }).got, ["app 1.0", "gamma-mta 1.0"]);
  const noRank = index.map((p) => ({ ...p, priority: "optional" }));
  assert.deepEqual(solve(noRank, { install: ["app"] }).got, ["alpha-mta 1.0", "app 1.0"]);
});

test("a requested virtual name needs exactly one provider", () => {
  const index = [
    pkg("a-mta", { provides: "mta" }),
    pkg("b-mta", { provides: "mta" }),
    pkg("only", { provides: "solo" }),
  ];
  assert.deepEqual(solve(index, { install: ["solo"] }).got, ["only 1.0"]);
  const { got, reasons } = solve(index, { install: ["b-mta", "mta"] });
  assert.deepEqual(got, ["b-mta 1.0"], "a virtual request met by another request is fine");
  assert.equal(reasons.get("b-mta"), "requested");
  unsatisfiable(() => solve(index, { install: ["mta"] }), "virtual package", "a-mta, b-mta");
});

test("versioned Provides meet versioned relations; unversioned ones do not", () => {
  const index = [
    pkg("app", { depends: "virt (>= 2)" }),
    pkg("old-impl", { provides: "virt (= 1.0)" }),
    pkg("new-impl", { provides: "virt (= 2.5)" }),
    pkg("bare-impl", { provides: "virt" }),
    pkg("plain", { depends: "virt" }),
  ];
  assert.deepEqual(solve(index, { install: ["app"] }).got, ["app 1.0", "new-impl 1.0"]);
  assert.deepEqual(solve(index, { install: ["plain"] }).got, ["bare-impl 1.0", "plain 1.0"]);
  const onlyBare = index.filter((p) => p.package !== "new-impl" && p.package !== "old-impl");
  unsatisfiable(
    () => solve(onlyBare, { install: ["app"] }),
    "app → virt (>= 2) : no candidate",
    "not with a version >= 2",
  );
});

test("only packages of the root's arch or all are candidates", () => {
  const index = [
    pkg("app 1.0 amd64", { depends: "data, lib" }),
    pkg("app 1.0 arm64", { depends: "data, lib" }),
    pkg("data 3.0 all"),
    pkg("lib 1.0 amd64"),
    pkg("lib 9.0 arm64"),
    pkg("lib 9.9 i386"),
  ];
  assert.deepEqual(solve(index, { install: ["app"] }).got, ["app 1.0", "data 3.0", "lib 1.0"]);
  assert.deepEqual(solve(index, { arch: "arm64", install: ["app"] }).got, ["app 1.0", "data 3.0", "lib 9.0"]);
  unsatisfiable(
    () => solve(index, { arch: "riscv64", install: ["app"] }),
    "not available for riscv64",
    "amd64, arm64",
  );
  const portable = [...index, pkg("script 1.0 all", { depends: "lib" })];
  assert.deepEqual(solve(portable, { arch: "arm64", install: ["script"] }).got, ["lib 9.0", "script 1.0"]);
  unsatisfiable(
    () => solve(portable, { arch: "riscv64", install: ["script"] }),
    "script → lib : no candidate (lib exists only for amd64, arm64, i386)",
  );
});

test("arch qualifiers: :any needs Multi-Arch allowed or foreign, :native and own arch pass", () => {
  const index = [
    pkg("app", { depends: "perl:any, sed:any, libc:native, libz:amd64" }),
    pkg("perl", { multiArch: "allowed" }),
    pkg("sed", { multiArch: "foreign" }),
    pkg("libc", { multiArch: "same" }),
    pkg("libz", { multiArch: "same" }),
    pkg("bad", { depends: "libc:any" }),
    pkg("cross", { depends: "libz:arm64" }),
  ];
  assert.deepEqual(solve(index, { install: ["app"] }).got, [
    "app 1.0",
    "libc 1.0",
    "libz 1.0",
    "perl 1.0",
    "sed 1.0",
  ]);
  unsatisfiable(() => solve(index, { install: ["bad"] }), "bad → libc:any : no candidate", "Multi-Arch");
  unsatisfiable(() => solve(index, { install: ["cross"] }), "cross → libz:arm64 : no candidate");
});

test("Pre-Depends are followed like Depends, Recommends are not", () => {
  const index = [
    pkg("app", { preDepends: "early", depends: "late" }),
    pkg("early"),
    pkg("late"),
    pkg("extra"),
  ];
  const { got, reasons } = solve(index, { install: ["app"] });
  assert.deepEqual(got, ["app 1.0", "early 1.0", "late 1.0"]);
  assert.equal(reasons.get("early"), "app Pre-Depends: early");
  assert.equal(reasons.get("late"), "app Depends: late");
  assert.equal(reasons.get("app"), "requested");
});

test("dependency cycles end", () => {
  const index = [
    pkg("a", { depends: "b" }),
    pkg("b", { depends: "c (>= 1)" }),
    pkg("c", { preDepends: "a" }),
  ];
  assert.deepEqual(solve(index, { install: ["a"] }).got, ["a 1.0", "b 1.0", "c 1.0"]);
});

test("a version constraint forces an older version, also after the newer one was taken", () => {
  const index = [
    pkg("app", { depends: "lib (<< 2)" }),
    pkg("lib 1.0"),
    pkg("lib 2.0"),
    pkg("first", { depends: "lib" }),
    pkg("later", { depends: "mid" }),
    pkg("mid", { depends: "lib (<< 2)" }),
  ];
  assert.deepEqual(solve(index, { install: ["app"] }).got, ["app 1.0", "lib 1.0"]);
  // lib 2.0 is chosen for `first`, then `mid` rules it out and the solve restarts.
  assert.deepEqual(solve(index, { install: ["first", "later"] }).got, [
    "first 1.0",
    "later 1.0",
    "lib 1.0",
    "mid 1.0",
  ]);
  // A pin by the user is never overridden: the clash becomes an error naming both sides.
  unsatisfiable(
    () => solve(index, { install: ["lib=2.0", "later"] }),
    "later → mid → lib (<< 2)",
    "lib 2.0 is already selected",
  );
});

test("incompatible version constraints give an error that says why", () => {
  const index = [
    pkg("x", { depends: "lib (>= 2)" }),
    pkg("y", { depends: "lib (<< 2)" }),
    pkg("lib 1.0"),
    pkg("lib 2.0"),
  ];
  unsatisfiable(
    () => solve(index, { install: ["x", "y"] }),
    "lib (>= 2) : no candidate",
    "lib 2.0 ruled out",
    "y → lib (<< 2)",
  );
});

test("a conflict with the selection moves to the next alternative", () => {
  const index = [
    pkg("app", { depends: "init-a | init-b" }),
    pkg("init-a", { conflicts: "sysv" }),
    pkg("init-b"),
    pkg("sysv"),
    pkg("guard", { breaks: "init-a (<< 5)" }),
  ];
  assert.deepEqual(solve(index, { install: ["sysv", "app"] }).got, ["app 1.0", "init-b 1.0", "sysv 1.0"]);
  // The other direction: a selected package Breaks the first alternative.
  assert.deepEqual(solve(index, { install: ["guard", "app"] }).got, ["app 1.0", "guard 1.0", "init-b 1.0"]);
});

test("unresolvable conflicts are all reported; self-conflicts through Provides are not conflicts", () => {
  const index = [
    pkg("postfix", { provides: "mta", conflicts: "mta" }),
    pkg("exim", { provides: "mta", conflicts: "mta" }),
    pkg("app", { depends: "only-a" }),
    pkg("only-a", { conflicts: "other" }),
    pkg("other"),
  ];
  assert.deepEqual(solve(index, { install: ["postfix"] }).got, ["postfix 1.0"]);
  const err = unsatisfiable(
    () => solve(index, { install: ["postfix", "exim", "other", "app"] }),
    "postfix 1.0 conflicts with exim 1.0",
    "only-a 1.0 conflicts with other 1.0",
  );
  assert.equal(err.problems.length, 2, "each pair once");
});

test("a missing dependency names the chain, the reason and a hint", () => {
  const index = [
    pkg("openssh-server", { depends: "libc6, libssl3t64 (>= 3.5)" }),
    pkg("libc6"),
    pkg("libssl3t64 3.4.1-1"),
    pkg("top", { depends: "openssh-server" }),
  ];
  const err = unsatisfiable(
    () => solve(index, { install: ["top"] }),
    "top → openssh-server → libssl3t64 (>= 3.5) : no candidate (libssl3t64 has 3.4.1-1)",
  );
  assert.ok(err.hint?.includes("pin another version"));
  assert.deepEqual(err.details?.["chain"], ["top", "openssh-server"]);
  unsatisfiable(() => solve(index, { install: ["top"], exclude: ["libc6"] }), "libc6 is excluded");
});

test("unknown names and versions suggest what exists", () => {
  const index = [pkg("systemd"), pkg("systemd-sysv"), pkg("openssh-server 1:9.2p1-2"), pkg("zsh 1.0 arm64")];
  const err = unsatisfiable(
    () => solve(index, { install: ["systmd"] }),
    'unknown package "systmd"',
    "did you mean systemd",
  );
  assert.deepEqual(err.details?.["suggestions"], ["systemd"]);
  unsatisfiable(() => solve(index, { install: ["openssh"] }), "did you mean openssh-server?");
  unsatisfiable(
    () => solve(index, { install: ["openssh-server=1.0"] }),
    "no such version",
    "available: 1:9.2p1-2",
  );
  unsatisfiable(() => solve(index, { install: ["zsh"] }), "not available for amd64", "arm64");
  unsatisfiable(
    () => solve(index, { install: ["systemd"], exclude: ["systemd"] }),
    "both requested and excluded",
  );
});

test("pins and arch-qualified requests", () => {
  const index = [pkg("lib 1.0"), pkg("lib 2.0"), pkg("tool 1.0 all")];
  assert.deepEqual(solve(index, { install: ["lib=1.0", "tool:all"] }).got, ["lib 1.0", "tool 1.0"]);
  assert.deepEqual(solve(index, { install: ["lib:amd64"] }).got, ["lib 2.0"]);
  unsatisfiable(() => solve(index, { install: ["lib:arm64"] }), "asks for arm64");
});

test("withRequired adds Priority: required and Essential packages, minus exclusions", () => {
  const index = [
    pkg("bash", { priority: "required", essential: true, depends: "base-files" }),
    pkg("base-files", { priority: "required" }),
    pkg("mawk", { priority: "required" }),
    pkg("coreutils", { priority: "important", essential: true }),
    pkg("less", { priority: "important" }),
    pkg("app"),
  ];
  const { got, reasons } = solve(index, { install: ["app"], withRequired: true });
  assert.deepEqual(got, ["app 1.0", "base-files 1.0", "bash 1.0", "coreutils 1.0", "mawk 1.0"]);
  assert.equal(reasons.get("mawk"), "Priority: required");
  assert.equal(reasons.get("coreutils"), "Essential: yes");
  assert.deepEqual(solve(index, { install: ["app"], withRequired: true, exclude: ["mawk"] }).got, [
    "app 1.0",
    "base-files 1.0",
    "bash 1.0",
    "coreutils 1.0",
  ]);
  assert.deepEqual(solve(index, { install: ["app"] }).got, ["app 1.0"]);
});

test("the result does not depend on index order, and a built index can be reused", () => {
  const index = [
    pkg("app", { depends: "v | w, lib (>= 1)" }),
    pkg("w-impl", { provides: "v" }),
    pkg("a-impl", { provides: "v" }),
    pkg("lib 1.0"),
    pkg("lib 1.5"),
    pkg("w"),
  ];
  const first = solve(index, { install: ["app"] }).got;
  assert.deepEqual(first, ["a-impl 1.0", "app 1.0", "lib 1.5"]);
  assert.deepEqual(solve([...index].reverse(), { install: ["app"] }).got, first);
  const built = buildIndex(index);
  const again = resolvePackages(built, { arch: "amd64", install: ["app"], withRequired: false });
  assert.deepEqual(
    again.packages.map((p) => `${p.package} ${p.version}`),
    first,
  );
});

test("checkClosure reports unmet dependencies, wrong arches and duplicates", () => {
  const index = [
    pkg("app", { depends: "lib (>= 2) | other" }),
    pkg("lib 1.0"),
    pkg("lib 2.0"),
    pkg("x 1.0 arm64"),
  ];
  const [app, lib1, lib2, x] = index as [BinaryPackage, BinaryPackage, BinaryPackage, BinaryPackage];
  assert.deepEqual(checkClosure([app, lib2], index), []);
  assert.deepEqual(checkClosure([app, lib1], index), ["app 1.0: Depends lib (>= 2) | other not met"]);
  const problems = checkClosure([app, lib1, lib2, x], index, "amd64");
  assert.ok(problems.includes("lib: more than one version in the set"));
  assert.ok(problems.includes("x: architecture arm64 in a amd64 root"));
});
