import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import zlib from "node:zlib";
import tar from "tar-stream";
import { BrokkrError } from "../errors.ts";
import { BlobCache, sha256Hex } from "../feeds/debian/cache.ts";
import { resolveSettings } from "../settings/index.ts";
import { prepareLimineDir } from "./limine-fetch.ts";

// The key that seals the unpacked directory's manifest lives here, outside every test cache.
process.env["BROKKR_STATE_DIR"] = mkdtempSync(join(tmpdir(), "brokkr-lf-state-"));

/** A GitHub-style archive of a binary tag: everything under one top directory. */
async function tarball(): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: "limine-8.2.0-binary/BOOTX64.EFI" }, Buffer.from("Limine 8.2.0 (x86-64, UEFI)"));
  pack.entry({ name: "limine-8.2.0-binary/limine.c" }, Buffer.from("int main(void) {}"));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return zlib.gzipSync(Buffer.concat(chunks));
}

async function serve(body: Buffer): Promise<{ url: string; close: () => void }> {
  const server = createServer((_req, res) => res.end(body));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/limine.tar.gz`, close: () => server.close() };
}

test("without a URL the directory is BROKKR_LIMINE_DIR", async () => {
  const cache = new BlobCache(mkdtempSync(join(tmpdir(), "brokkr-lf-")));
  assert.equal(await prepareLimineDir(cache, resolveSettings({ BROKKR_LIMINE_DIR: "/opt/limine" })), "/opt/limine");
});

test("a pinned tarball is downloaded, checked, cached and unpacked flat, once", async () => {
  const body = await tarball();
  const srv = await serve(body);
  try {
    const cache = new BlobCache(mkdtempSync(join(tmpdir(), "brokkr-lf-")));
    const env = resolveSettings({ BROKKR_LIMINE_URL: srv.url, BROKKR_LIMINE_SHA256: sha256Hex(body) });
    const dir = await prepareLimineDir(cache, env);
    assert.equal(readFileSync(join(dir, "BOOTX64.EFI"), "utf8"), "Limine 8.2.0 (x86-64, UEFI)");
    assert.ok(!existsSync(join(dir, "limine.c")), "only Limine's boot files are kept");
    assert.ok(await cache.has(sha256Hex(body)));
    srv.close();
    assert.equal(await prepareLimineDir(cache, env), dir, "the second time needs no network");
  } finally {
    srv.close();
  }
});

test("a tarball whose hash differs from the pin is refused, and so is a missing pin", async () => {
  const body = await tarball();
  const srv = await serve(body);
  try {
    const cache = new BlobCache(mkdtempSync(join(tmpdir(), "brokkr-lf-")));
    await assert.rejects(
      prepareLimineDir(cache, resolveSettings({ BROKKR_LIMINE_URL: srv.url, BROKKR_LIMINE_SHA256: "0".repeat(64) })),
      (e: unknown) => e instanceof BrokkrError && e.code === "boot.limine-missing" && /not BROKKR_LIMINE_SHA256/.test(e.message),
    );
    await assert.rejects(
      prepareLimineDir(cache, resolveSettings({ BROKKR_LIMINE_URL: srv.url })),
      (e: unknown) => e instanceof BrokkrError && /without a BROKKR_LIMINE_SHA256/.test(e.message),
    );
  } finally {
    srv.close();
  }
});

test("Limine files rewritten in the cache are never used: the pinned tarball is unpacked again", async () => {
  const body = await tarball();
  const srv = await serve(body);
  try {
    const cache = new BlobCache(mkdtempSync(join(tmpdir(), "brokkr-lf-")));
    const env = resolveSettings({ BROKKR_LIMINE_URL: srv.url, BROKKR_LIMINE_SHA256: sha256Hex(body) });
    const dir = await prepareLimineDir(cache, env);
    srv.close(); // from here on only the cached (verified) tarball may be used
    const efi = join(dir, "BOOTX64.EFI");
    const good = readFileSync(efi, "utf8");
    // Whoever writes the cache swaps the loader and rewrites the marker beside it.
    writeFileSync(efi, "evil loader");
    writeFileSync(join(dir, ".complete"), JSON.stringify({ "BOOTX64.EFI": sha256Hex("evil loader") }));
    assert.equal(await prepareLimineDir(cache, env), dir);
    assert.equal(readFileSync(efi, "utf8"), good, "the swapped loader was kept");
    // An extra file slipped in is noticed too.
    writeFileSync(join(dir, "BOOTAA64.EFI"), "evil");
    await prepareLimineDir(cache, env);
    assert.ok(!existsSync(join(dir, "BOOTAA64.EFI")));
    assert.equal(readFileSync(efi, "utf8"), good);
  } finally {
    srv.close();
  }
});
