// Reads the guest script runner's framed lines (systemd-units/script-runner/script-runner.sh)
// out of the console stream. The console also carries firmware, kernel, systemd and getty
// text, so a frame counts only when its tag and our nonce appear on one line; text before the
// tag on that line (a login prompt without a newline) is dropped, and a line still missing its
// newline waits for the next chunk. Feed it text with escape sequences already stripped.
import { createHash } from "node:crypto";

export type ScriptEvent =
  | { kind: "begin" }
  | { kind: "output"; line: string }
  | { kind: "end"; status: number }
  | { kind: "file"; path: string; data: Buffer }
  | { kind: "file-missing"; path: string }
  | { kind: "done" }
  | { kind: "error"; message: string };

export interface ScriptFrameParser {
  /** Feeds clean console text, in any chunking; returns the events of the lines it completed. */
  feed(text: string): ScriptEvent[];
}

const base64Line = /^[A-Za-z0-9+/]*={0,2}$/;

/** The nonce is hex, written by the host onto the script disk. */
export function createScriptFrameParser(nonce: string): ScriptFrameParser {
  if (!/^[0-9a-f]{8,64}$/.test(nonce)) throw new TypeError(`nonce must be hex, got ${JSON.stringify(nonce)}`);
  const frame = new RegExp(`BROKKR-(SCRIPT-BEGIN|SCRIPT-END|SCRIPT-DONE|FILE-END|FILE|OUT|B64) ${nonce}(?: (.*))?$`);
  // Printed before the nonce is known (the disk did not mount), so it carries none.
  const failure = /BROKKR-SCRIPT-ERROR (.*)$/;
  let pending = "";
  let file: { path: string; chunks: string[]; corrupt: boolean } | undefined;

  const onLine = (line: string, events: ScriptEvent[]) => {
    const m = frame.exec(line);
    if (!m) {
      const f = failure.exec(line);
      if (f) events.push({ kind: "error", message: f[1]!.trim() });
      return;
    }
    const rest = m[2] ?? "";
    switch (m[1]) {
      case "SCRIPT-BEGIN":
        events.push({ kind: "begin" });
        break;
      case "OUT":
        events.push({ kind: "output", line: rest });
        break;
      case "SCRIPT-END": {
        const status = Number(rest.trim());
        if (Number.isInteger(status)) events.push({ kind: "end", status });
        break;
      }
      case "FILE":
        file = { path: rest, chunks: [], corrupt: false };
        break;
      case "B64":
        if (file === undefined) break;
        if (base64Line.test(rest.trim())) file.chunks.push(rest.trim());
        else file.corrupt = true;
        break;
      case "FILE-END":
        if (file !== undefined) events.push(finishFile(file, rest.trim()));
        file = undefined;
        break;
      case "SCRIPT-DONE":
        events.push({ kind: "done" });
        break;
    }
  };

  return {
    feed(text) {
      const events: ScriptEvent[] = [];
      const lines = (pending + text).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) onLine(line, events);
      return events;
    },
  };
}

function finishFile(file: { path: string; chunks: string[]; corrupt: boolean }, sum: string): ScriptEvent {
  if (sum === "missing") return { kind: "file-missing", path: file.path };
  const data = Buffer.from(file.chunks.join(""), "base64");
  const actual = createHash("sha256").update(data).digest("hex");
  if (file.corrupt || actual !== sum) {
    return { kind: "error", message: `${file.path} arrived damaged over the console (sha256 ${actual}, guest says ${sum})` };
  }
  return { kind: "file", path: file.path, data };
}
