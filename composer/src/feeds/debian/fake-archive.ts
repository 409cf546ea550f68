// Test helper: a tiny signed Debian archive served on 127.0.0.1, with hooks to inject faults
// (wrong bytes, HTTP errors, missing files). Keys are generated per run; nothing leaves the host.

import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as openpgp from "openpgp";
import { rereadSettings } from "../../settings/index.ts";
import type { BlobCache } from "./cache.ts";
import type { LoadPackagesOptions } from "./packages.ts";

export interface FakeDeb {
  package: string;
  version: string;
  arch: string;
  filename: string;
  data: Buffer;
  sha256: string;
}

export interface FakeArchive {
  mirror: string;
  keyringPath: string;
  /** Path under the mirror root → bytes served. Edit it to change what the server answers. */
  files: Map<string, Buffer>;
  /** Path → queue of HTTP statuses answered before the real file (e.g. [503, 503]). */
  faults: Map<string, number[]>;
  /** Every path requested, in order. */
  requests: string[];
  debs: FakeDeb[];
  /** Signs `release` with the archive key and returns the InRelease text. */
  sign(release: string, key?: openpgp.PrivateKey): Promise<string>;
  releaseText: string;
  otherKey: openpgp.PrivateKey;
  close(): Promise<void>;
  count(path: string): number;
}

export const sha256 = (d: Uint8Array | string) => createHash("sha256").update(d).digest("hex");

export function packagesText(debs: readonly FakeDeb[]): string {
  return debs
    .map(
      (d) =>
        `Package: ${d.package}\nVersion: ${d.version}\nArchitecture: ${d.arch}\nMaintainer: Test <t@example.invalid>\n` +
        `Installed-Size: 12\nDepends: libc6 (>= 2.36), foo | bar:any\nPriority: optional\nSection: misc\n` +
        `Filename: ${d.filename}\nSize: ${d.data.length}\nSHA256: ${d.sha256}\n` +
        `Description: the ${d.package} package\n A longer text.\n .\n More.\n`,
    )
    .join("\n");
}

export function releaseFor(suite: string, files: Map<string, Buffer>, extra = ""): string {
  const lines = [...files].map(([p, d]) => ` ${sha256(d)} ${String(d.length).padStart(8)} ${p}`);
  return (
    `Origin: Test\nSuite: stable\nCodename: ${suite}\nDate: Sat, 01 Nov 2025 10:00:00 UTC\n` +
    `Acquire-By-Hash: yes\nArchitectures: amd64 arm64\nComponents: main contrib\n${extra}` +
    `Description: fake archive\nSHA256:\n${lines.join("\n")}\n`
  );
}

/** Starts the server. `indexes` adds extra index files (dists-relative path → bytes) to the InRelease. */
export async function startFakeArchive(
  dir: string,
  opts: { suite?: string; extraIndexes?: Map<string, Buffer> } = {},
): Promise<FakeArchive> {
  const suite = opts.suite ?? "trixie";
  // Trust state (sealing key, newest Release dates) of a test stays in its own dir, never the user's.
  process.env["BROKKR_STATE_DIR"] ??= join(dir, "state");
  rereadSettings();
  const [k1, k2, other] = await Promise.all(
    ["One", "Two", "Stranger"].map((n) =>
      openpgp.generateKey({
        type: "ecc",
        curve: "ed25519Legacy",
        userIDs: [{ name: `${n} Archive Key` }],
        format: "object",
      }),
    ),
  );
  // The keyring holds two keys back to back, like Debian's; the archive signs with the second.
  const keyringPath = join(dir, "keyring.gpg");
  await writeFile(keyringPath, Buffer.concat([k1!.publicKey.write(), k2!.publicKey.write()]));

  const debs: FakeDeb[] = ["hello", "base-files"].map((name, i) => {
    const data = Buffer.from(`!<arch>\nfake deb ${name} `.padEnd(4000 + i * 100, "x"));
    const filename = `pool/main/${name[0]}/${name}/${name}_1.${i}_amd64.deb`;
    return { package: name, version: `1.${i}`, arch: "amd64", filename, data, sha256: sha256(data) };
  });
  const files = new Map<string, Buffer>();
  for (const d of debs) files.set(d.filename, d.data);
  const indexes = new Map<string, Buffer>([["main/binary-amd64/Packages.gz", gzipSync(packagesText(debs))]]);
  for (const [p, d] of opts.extraIndexes ?? []) indexes.set(p, d);
  for (const [p, d] of indexes) files.set(`dists/${suite}/${p}`, d);

  // openpgp.js writes the cleartext with CRLF; Debian's files use LF. The signature covers the
  // canonical (CRLF) form either way, so LF output verifies and looks like the real thing.
  const sign = async (text: string, key: openpgp.PrivateKey = k2!.privateKey) =>
    (
      await openpgp.sign({ message: await openpgp.createCleartextMessage({ text }), signingKeys: key })
    ).replaceAll("\r\n", "\n");
  const releaseText = releaseFor(suite, indexes);
  files.set(`dists/${suite}/InRelease`, Buffer.from(await sign(releaseText)));

  const faults = new Map<string, number[]>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? "/").slice(1));
    requests.push(path);
    const status = faults.get(path)?.shift();
    if (status !== undefined) {
      res.writeHead(status).end("injected fault");
      return;
    }
    const body = files.get(path);
    if (body === undefined) {
      res.writeHead(404).end("not found");
      return;
    }
    res
      .writeHead(200, { "content-length": body.length, "content-type": "application/octet-stream" })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    mirror: `http://127.0.0.1:${port}`,
    keyringPath,
    files,
    faults,
    requests,
    debs,
    sign,
    releaseText,
    otherKey: other!.privateKey,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    count: (p) => requests.filter((r) => r === p).length,
  };
}

/** The options that load trixie/main for x86_64 from `archive` into `cache`, without retry waits. */
export function fakeArchiveOptions(archive: FakeArchive, cache: BlobCache): LoadPackagesOptions {
  return {
    mirror: archive.mirror,
    suite: "trixie",
    components: ["main"],
    arch: "x86_64",
    cache,
    keyring: archive.keyringPath,
    http: { retryDelayMs: 1 },
  };
}
