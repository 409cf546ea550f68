import assert from "node:assert/strict";
import { test } from "node:test";
import { createAnsiStripper, createMatcher, stripAnsi, tailLines } from "./console-text.ts";

test("stripAnsi removes OVMF's cursor and colour sequences and carriage returns", () => {
  const raw =
    "\x1b[2J\x1b[01;01H\x1b[=3h\x1b[1m\x1b[33m\x1b[40mShell> \x1b[0m\x1b[37m\x1b[40m\r\nok\x1b(B\x1b]0;title\x07!";
  assert.equal(stripAnsi(raw), "Shell> \nok!");
});

test("the stripper holds back a sequence split between two reads", () => {
  const strip = createAnsiStripper();
  assert.equal(strip("abc\x1b[01;"), "abc");
  assert.equal(strip("01Hdef"), "def");
  assert.equal(strip("\x1b"), "");
  assert.equal(strip("[0mghi"), "ghi");
});

test("the stripper does not hold back forever on a stray ESC", () => {
  const strip = createAnsiStripper();
  const text = `\x1b${"x".repeat(100)}`;
  assert.equal(strip(text), "x".repeat(100).slice(1));
});

test("the matcher finds patterns in order, across reads, with the time of each", () => {
  const m = createMatcher(["Linux version", /login: ?$/m]);
  assert.equal(m.feed("Booting Lin", 1), false);
  assert.equal(m.feed("ux version 6.12\n", 2), false);
  assert.deepEqual(
    m.matched.map((x) => x.atSeconds),
    [2],
  );
  assert.equal(m.feed("brokkr login: ", 5), true);
  assert.equal(m.next, undefined);
  assert.deepEqual(
    m.matched.map((x) => x.atSeconds),
    [2, 5],
  );
});

test("a later pattern must come after the earlier one", () => {
  const m = createMatcher(["B", "A"]);
  assert.equal(m.feed("A B", 1), false);
  assert.equal(m.next, "A");
  assert.equal(m.feed(" A", 2), true);
});

test("a global regex is used without its lastIndex state", () => {
  const m = createMatcher([/ok/g, /ok/g]);
  assert.equal(m.feed("ok ok", 1), true);
});

test("the matcher keeps working after a very long output", () => {
  const m = createMatcher(["MARK"]);
  for (let i = 0; i < 200; i++) m.feed("x".repeat(1000), i);
  assert.equal(m.feed("MA", 201), false);
  assert.equal(m.feed("RK", 202), true);
});

test("tailLines keeps the last lines", () => {
  assert.equal(tailLines("a\nb\nc\nd", 2), "c\nd");
});

test("the unordered matcher accepts markers in either order, each once", async () => {
  const { createUnorderedMatcher } = await import("./console-text.ts");
  const m = createUnorderedMatcher(["BOOT-OK abc", "host login:"]);
  assert.equal(m.feed("Debian\nhost log", 1), false);
  assert.equal(m.feed("in: \n", 2), false);
  assert.equal(m.next, "BOOT-OK abc");
  assert.equal(m.feed("BOOT-OK ab", 3), false);
  assert.equal(m.feed("c\n", 4), true);
  assert.deepEqual(
    m.matched.map((x) => [x.pattern, x.atSeconds]),
    [["host login:", 2], ["BOOT-OK abc", 4]],
  );
});
