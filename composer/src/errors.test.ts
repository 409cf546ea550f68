import assert from "node:assert/strict";
import { test } from "node:test";
import { BrokkrError, errorFromJson, errorToJson, exitCodeOf, formatError, httpStatusOf, isBrokkrError } from "./errors.ts";

const invalid = new BrokkrError("spec.invalid", "the spec has 2 problems", {
  hint: "fix them",
  details: { file: "x.yaml" },
  problems: [
    { path: "boot.protocol", message: "multiboot2 is x86_64 only", hint: "use uefi" },
    { path: "drivers[1]", message: "no driver nope" },
  ],
});

test("an error survives the wire (HTTP, IPC, a build row) with its problems", () => {
  // IPC and HTTP both carry JSON: this is the round trip they make.
  const back = errorFromJson(JSON.parse(JSON.stringify(errorToJson(invalid))));
  assert.ok(back instanceof BrokkrError);
  assert.equal(back.code, "spec.invalid");
  assert.equal(back.message, invalid.message);
  assert.equal(back.hint, "fix them");
  assert.deepEqual(back.problems, invalid.problems);
  assert.deepEqual(back.details, { file: "x.yaml" });
  assert.equal(formatError(back), formatError(invalid));
});

test("details leave only for spec errors; anything but a BrokkrError leaves as a bare internal error", () => {
  const io = new BrokkrError("io", "cannot write /srv/secret/path", { details: { path: "/srv/secret/path" } });
  assert.equal(errorToJson(io).details, undefined);
  assert.deepEqual(errorToJson(new TypeError("x is undefined at /srv/app.js:3")), { code: "internal", message: "internal error" });
  assert.deepEqual(errorToJson("thrown string"), { code: "internal", message: "internal error" });
  assert.deepEqual(errorToJson(new Error("disk full"), { keepMessage: true }), { code: "internal", message: "disk full" });
});

test("whatever arrives becomes a BrokkrError: unknown codes, junk problems, no object at all", () => {
  const odd = errorFromJson({ code: "flux.capacitor", message: "too slow", problems: [{ path: 1 }, { path: "a", message: "b" }] }, "remote.http");
  assert.equal(odd.code, "remote.http");
  assert.match(odd.message, /too slow \(flux\.capacitor\)/);
  assert.deepEqual(odd.problems, [{ path: "a", message: "b" }]);
  assert.equal(errorFromJson(null).code, "internal");
  assert.equal(errorFromJson("nope").message, "unknown error");
});

test("one table gives each code its HTTP status and exit code; a copy from another module instance counts", () => {
  assert.deepEqual([httpStatusOf(invalid), exitCodeOf(invalid)], [400, 1]);
  const usage = new BrokkrError("cli.usage", "missing SPEC");
  assert.deepEqual([httpStatusOf(usage), exitCodeOf(usage)], [400, 64]);
  assert.deepEqual([httpStatusOf(new Error("bug")), exitCodeOf(new Error("bug"))], [500, 70]);
  // Next's bundle loads its own copy of errors.ts: same name and code, another class.
  const foreign = Object.assign(new Error("not running"), { name: "BrokkrError", code: "service.unavailable", problems: [] });
  assert.ok(isBrokkrError(foreign));
  assert.equal(httpStatusOf(foreign), 503);
  assert.ok(!isBrokkrError(Object.assign(new Error("x"), { name: "BrokkrError", code: "made.up" })));
});
