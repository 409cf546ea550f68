import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseRange, sendArtifact } from "./send-file.ts";

test("parseRange: one bytes range, open-ended and suffix forms, clamped to the file", () => {
  assert.deepEqual(parseRange(undefined, 100), { kind: "whole" });
  assert.deepEqual(parseRange("bytes=0-9", 100), { kind: "part", start: 0, end: 9 });
  assert.deepEqual(parseRange("bytes=90-", 100), { kind: "part", start: 90, end: 99 });
  assert.deepEqual(parseRange("bytes=-10", 100), { kind: "part", start: 90, end: 99 });
  assert.deepEqual(parseRange("bytes=-1000", 100), { kind: "part", start: 0, end: 99 });
  assert.deepEqual(parseRange("bytes=50-5000", 100), { kind: "part", start: 50, end: 99 });
  assert.deepEqual(parseRange("BYTES = 1 - 2", 100), { kind: "part", start: 1, end: 2 });
});

test("parseRange: past the end, reversed, empty or garbage bytes ranges are unsatisfiable", () => {
  for (const h of ["bytes=100-", "bytes=100-200", "bytes=9-3", "bytes=-0", "bytes=-", "bytes=abc", "bytes=1-x"]) {
    assert.deepEqual(parseRange(h, 100), { kind: "unsatisfiable" }, h);
  }
  assert.deepEqual(parseRange("bytes=-5", 0), { kind: "unsatisfiable" });
});

test("parseRange: other units and several ranges get the whole file (a server may ignore Range)", () => {
  assert.deepEqual(parseRange("items=0-1", 100), { kind: "whole" });
  assert.deepEqual(parseRange("bytes=0-1,5-6", 100), { kind: "whole" });
  assert.deepEqual(parseRange("nonsense", 100), { kind: "whole" });
});

// sendArtifact reads in 1 MiB turns: a file of several chunks, ranges across their borders, and
// a client that leaves mid-download (the server must carry on).
describe("sendArtifact on a file of several chunks", () => {
  const dir = mkdtempSync(join(tmpdir(), "brokkr-send-file-"));
  const data = randomBytes(2.5 * (1 << 20) + 17);
  const path = join(dir, "blob");
  writeFileSync(path, data);
  const artifact = { file: "disk.img", sha256: createHash("sha256").update(data).digest("hex"), size: data.length };
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((req, res) => void sendArtifact(req, res, artifact, path, { immutable: true }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  test("the whole file, byte for byte", async () => {
    const res = await fetch(base);
    assert.equal(res.headers.get("content-length"), String(data.length));
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(data));
  });

  test("ranges that start, end and cross chunk borders", async () => {
    const mib = 1 << 20;
    for (const [start, end] of [[0, mib - 1], [mib - 3, mib + 2], [mib, 2 * mib + 5], [5, data.length - 1], [2 * mib, 2 * mib]]) {
      const res = await fetch(base, { headers: { range: `bytes=${start}-${end}` } });
      assert.equal(res.status, 206);
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(data.subarray(start!, end! + 1)), `${start}-${end}`);
    }
  });

  test("a client that goes away mid-download leaves the server serving", async () => {
    await new Promise<void>((resolve, reject) => {
      const req = request(base, (res) => {
        res.once("data", () => {
          req.destroy();
          resolve();
        });
      });
      req.on("error", () => {});
      req.on("close", resolve);
      req.end();
      setTimeout(() => reject(new Error("no data")), 5000).unref();
    });
    await new Promise((r) => setTimeout(r, 50));
    const res = await fetch(base);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(data));
  });
});
