// Freshness of a signed Release: past its Valid-Until it fails closed (unless allowed for archived
// snapshots), and one older than the newest already seen from the mirror is a replay. The newest
// Date is kept in the state dir, which wiping or rewriting the cache does not touch.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { BrokkrError } from "../../errors.ts";
import { BlobCache } from "./cache.ts";
import { type FakeArchive, startFakeArchive } from "./fake-archive.ts";
import { fetchRelease } from "./release.ts";
import { rereadSettings } from "../../settings/index.ts";

let dir = "";
let archive: FakeArchive;
let n = 0;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "brokkr-freshness-"));
  archive = await startFakeArchive(dir);
});
after(async () => {
  await archive.close();
  rmSync(dir, { recursive: true, force: true });
});
// Each test starts with no Release seen (BROKKR_STATE_DIR is the setting under test too).
beforeEach(() => {
  process.env["BROKKR_STATE_DIR"] = join(dir, `state-${++n}`);
  delete process.env["BROKKR_ALLOW_EXPIRED_RELEASE"];
  rereadSettings();
});

const inRelease = "dists/trixie/InRelease";
const http = { retryDelayMs: 1 };
const fixtureDate = "Sat, 01 Nov 2025 10:00:00 UTC";

/** Serves a signed InRelease with another Date and, optionally, a Valid-Until. */
async function serve(date: string | undefined, validUntil?: string): Promise<void> {
  let text = archive.releaseText.replace(`Date: ${fixtureDate}\n`, date === undefined ? "" : `Date: ${date}\n`);
  if (validUntil !== undefined) text = text.replace("Acquire-By-Hash", `Valid-Until: ${validUntil}\nAcquire-By-Hash`);
  archive.files.set(inRelease, Buffer.from(await archive.sign(text)));
}
const fetchIt = (opts: { cache?: BlobCache; offline?: boolean; now?: Date } = {}) =>
  fetchRelease(archive.mirror, "trixie", { keyring: archive.keyringPath, http, ...opts });
const failsWith = (code: string, ...patterns: RegExp[]) => (e: unknown) => {
  assert.ok(e instanceof BrokkrError, `not a BrokkrError: ${String(e)}`);
  assert.equal(e.code, code);
  for (const p of patterns) assert.match(`${e.message}\n${e.hint ?? ""}`, p);
  return true;
};

test("a Release past its Valid-Until fails closed, naming the suite and the date", async () => {
  await serve("Sat, 01 Nov 2025 10:00:00 UTC", "Sat, 08 Nov 2025 10:00:00 UTC");
  await assert.rejects(
    fetchIt({ now: new Date("2025-11-09T00:00:00Z") }),
    failsWith("feed.release-expired", /trixie/, /2025-11-08T10:00:00/, /BROKKR_ALLOW_EXPIRED_RELEASE=1/),
  );
  const ok = await fetchIt({ now: new Date("2025-11-07T00:00:00Z") });
  assert.equal(ok.validUntil?.toISOString(), "2025-11-08T10:00:00.000Z", "before Valid-Until it is accepted");
});

test("BROKKR_ALLOW_EXPIRED_RELEASE=1 accepts an expired Release (archived snapshots), with a warning", async () => {
  await serve("Sat, 01 Nov 2025 10:00:00 UTC", "Sat, 08 Nov 2025 10:00:00 UTC");
  process.env["BROKKR_ALLOW_EXPIRED_RELEASE"] = "1";
  rereadSettings();
  const r = await fetchIt({ now: new Date("2026-01-01T00:00:00Z") });
  assert.match(r.warnings.join("\n"), /expired/);
});

test("the offline copy expires too", async () => {
  const cache = new BlobCache(join(dir, `cache-${n}`));
  await serve("Sat, 01 Nov 2025 10:00:00 UTC", "Sat, 08 Nov 2025 10:00:00 UTC");
  await fetchIt({ cache, now: new Date("2025-11-02T00:00:00Z") });
  await fetchIt({ cache, offline: true, now: new Date("2025-11-03T00:00:00Z") });
  await assert.rejects(fetchIt({ cache, offline: true, now: new Date("2025-12-01T00:00:00Z") }), failsWith("feed.release-expired"));
});

test("a signed Release older than the newest seen from this mirror is refused as a replay", async () => {
  await serve("Sun, 02 Nov 2025 10:00:00 UTC");
  await fetchIt();
  await serve("Sat, 01 Nov 2025 10:00:00 UTC");
  await assert.rejects(
    fetchIt(),
    failsWith("feed.release-replayed", /2025-11-01T10:00:00/, /2025-11-02T10:00:00/, /trixie/, /delete .*release-dates/),
  );
  await serve("Sun, 02 Nov 2025 10:00:00 UTC");
  await fetchIt(); // the same Release again is fine
  await serve("Mon, 03 Nov 2025 10:00:00 UTC");
  await fetchIt(); // a newer one moves the mark
  await serve("Sun, 02 Nov 2025 10:00:00 UTC");
  await assert.rejects(fetchIt(), failsWith("feed.release-replayed"));
  await serve(undefined);
  await assert.rejects(fetchIt(), failsWith("feed.release-replayed", /has no Date/));
});

test("wiping the whole cache does not forget the newest Release seen", async () => {
  const root = join(dir, `cache-${n}`);
  await serve("Sun, 02 Nov 2025 10:00:00 UTC");
  await fetchIt({ cache: new BlobCache(root) });
  rmSync(root, { recursive: true, force: true });
  await serve("Sat, 01 Nov 2025 10:00:00 UTC");
  await assert.rejects(fetchIt({ cache: new BlobCache(root) }), failsWith("feed.release-replayed"));
});

test("offline, a cached InRelease older than the newest seen is refused", async () => {
  const old = new BlobCache(join(dir, `cache-${n}-old`));
  await serve("Sat, 01 Nov 2025 10:00:00 UTC");
  await fetchIt({ cache: old });
  await serve("Sun, 02 Nov 2025 10:00:00 UTC");
  await fetchIt({ cache: new BlobCache(join(dir, `cache-${n}-new`)) });
  await assert.rejects(fetchIt({ cache: old, offline: true }), failsWith("feed.release-replayed"));
});
