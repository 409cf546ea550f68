import assert from "node:assert/strict";
import { test } from "node:test";
import { driverFileSchema } from "../catalog/models.ts";
import { imageSpecSchema } from "../spec/image-spec.ts";
import { formatPath, issuesToProblems, keysAt } from "./problems.ts";
import { closeNames, editDistance, quoteList } from "./suggest.ts";

test("paths are dotted, list indices in brackets", () => {
  assert.equal(formatPath(["system", "users", 0, "name"]), "system.users[0].name");
  assert.equal(formatPath([2]), "[2]");
  assert.equal(formatPath([]), "");
});

test("allowed keys are found through defaults, lists and the picked union branch", () => {
  assert.deepEqual(keysAt(imageSpecSchema, ["system", "users", 3]), [
    "name",
    "groups",
    "sshAuthorizedKeys",
    "passwordHash",
    "shell",
  ]);
  assert.deepEqual(keysAt(imageSpecSchema, ["boot"]), ["protocol", "firmware", "cmdline"]);
  const doc = { arches: { x86_64: { supported: false } } };
  assert.deepEqual(keysAt(driverFileSchema, ["arches", "x86_64"], doc), ["supported", "reason"]);
});

test("a discriminated union names the bad discriminator and its choices", () => {
  const doc = {
    description: "d",
    hardware: "h",
    modules: ["a"],
    arches: {
      x86_64: { supported: "yes" },
      aarch64: { supported: true, extra: 1 },
      riscv64: { supported: false, reason: "r" },
    },
  };
  const r = driverFileSchema.safeParse(doc);
  assert.equal(r.success, false);
  const problems = issuesToProblems(r.error!.issues, driverFileSchema, doc);
  assert.deepEqual(problems, [
    { path: "arches.x86_64.supported", message: "must be one of true or false (got 'yes')" },
    {
      path: "arches.aarch64.extra",
      message: "unknown field 'extra' (allowed: supported, extraModules)",
      hint: "did you mean 'extraModules'?",
    },
  ]);
});

test("close names: small edits and substrings, best first", () => {
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.deepEqual(closeNames("ngnix", ["nginx", "gnome-calculator", "git"]), ["nginx"]);
  assert.deepEqual(closeNames("ssh", ["openssh-server", "vim"]), ["openssh-server"]);
  assert.deepEqual(closeNames("zzzz", ["nginx"]), []);
  assert.equal(quoteList(["a", "b", "c"]), "'a', 'b' or 'c'");
  assert.equal(quoteList([true, false]), "true or false");
});
