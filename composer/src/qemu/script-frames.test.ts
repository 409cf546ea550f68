import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { createAnsiStripper } from "./console-text.ts";
import { createScriptFrameParser, type ScriptEvent } from "./script-frames.ts";

const nonce = "0123456789abcdef";
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** A whole guest run as the console shows it, with noise from the kernel, systemd and getty. */
function consoleRun(file: Buffer): string {
  const b64 = file.toString("base64").match(/.{1,76}/g) ?? [];
  return [
    "[    3.141592] virtio_blk virtio1: [vdb] 65536 512-byte logical blocks\r",
    "\x1b[0;32m  OK  \x1b[0m] Reached target multi-user.target\r",
    `BROKKR-SCRIPT-BEGIN ${nonce}\r`,
    `brokkr login: BROKKR-OUT ${nonce} 6.12.117+deb13-amd64\r`,
    "[   12.000000] random: crng init done\r",
    `BROKKR-OUT ${nonce} \r`,
    `BROKKR-OUT ${nonce}  two  spaces\tand a tab\r`,
    `BROKKR-OUT ${nonce} BROKKR-SCRIPT-END ${nonce} 0\r`,
    `BROKKR-SCRIPT-END ${nonce} 3\r`,
    `BROKKR-FILE ${nonce} /tmp/result.txt\r`,
    ...b64.map((l) => `BROKKR-B64 ${nonce} ${l}\r`),
    `BROKKR-FILE-END ${nonce} ${sha(file)}\r`,
    `BROKKR-FILE ${nonce} /etc/nope\r`,
    `BROKKR-FILE-END ${nonce} missing\r`,
    `BROKKR-SCRIPT-DONE ${nonce}\r`,
    "",
  ].join("\n");
}

function feedAll(chunks: string[]): ScriptEvent[] {
  const parser = createScriptFrameParser(nonce);
  const strip = createAnsiStripper();
  return chunks.flatMap((c) => parser.feed(strip(c)));
}

test("a whole run: output lines, status, a file and a missing one, among console noise", () => {
  const data = Buffer.from("running\n".repeat(30));
  const events = feedAll([consoleRun(data)]);
  assert.deepEqual(events, [
    { kind: "begin" },
    { kind: "output", line: "6.12.117+deb13-amd64" },
    { kind: "output", line: "" },
    { kind: "output", line: " two  spaces\tand a tab" },
    { kind: "output", line: `BROKKR-SCRIPT-END ${nonce} 0` },
    { kind: "end", status: 3 },
    { kind: "file", path: "/tmp/result.txt", data },
    { kind: "file-missing", path: "/etc/nope" },
    { kind: "done" },
  ]);
});

test("chunking does not matter: byte by byte gives the same events as one piece", () => {
  const text = consoleRun(Buffer.from([0, 1, 2, 250, 251, 255]));
  const whole = feedAll([text]);
  const bytewise = feedAll([...text]);
  assert.deepEqual(bytewise, whole);
  assert.equal(whole.filter((e) => e.kind === "file").length, 1);
});

test("a line waits for its newline", () => {
  const parser = createScriptFrameParser(nonce);
  assert.deepEqual(parser.feed(`BROKKR-OUT ${nonce} partial`), []);
  assert.deepEqual(parser.feed(" line\n"), [{ kind: "output", line: "partial line" }]);
});

test("frames with another nonce are ignored", () => {
  const other = "fedcba9876543210";
  const events = feedAll([
    `BROKKR-SCRIPT-BEGIN ${other}\nBROKKR-OUT ${other} stale\nBROKKR-SCRIPT-END ${other} 0\nBROKKR-SCRIPT-DONE ${other}\n`,
    `BROKKR-OUT ${nonce.slice(0, 8)} short\nBROKKR-SCRIPT-END ${nonce} 7\n`,
  ]);
  assert.deepEqual(events, [{ kind: "end", status: 7 }]);
});

test("a file damaged in transit is an error, not a file", () => {
  const data = Buffer.from("hello world, this is a file\n");
  const b64 = data.toString("base64");
  const damaged = `${b64.slice(0, 10)}[ 5.1] oops${b64.slice(10)}`;
  const events = feedAll([
    `BROKKR-FILE ${nonce} /a\nBROKKR-B64 ${nonce} ${damaged}\nBROKKR-FILE-END ${nonce} ${sha(data)}\n`,
    `BROKKR-FILE ${nonce} /b\nBROKKR-B64 ${nonce} ${b64.slice(4)}\nBROKKR-FILE-END ${nonce} ${sha(data)}\n`,
  ]);
  assert.equal(events.length, 2);
  for (const e of events) {
    assert.equal(e.kind, "error");
    assert.match(e.kind === "error" ? e.message : "", /arrived damaged/);
  }
});

test("the guest's error line needs no nonce; a nonce must be hex", () => {
  const events = feedAll(["BROKKR-SCRIPT-ERROR cannot mount /dev/disk/by-label/BRKSCRIPT\r\n"]);
  assert.deepEqual(events, [{ kind: "error", message: "cannot mount /dev/disk/by-label/BRKSCRIPT" }]);
  assert.throws(() => createScriptFrameParser("a.b*c"), TypeError);
});
