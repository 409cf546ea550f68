// Fetches .deb files into the content-addressed cache. A cached .deb is re-hashed before use,
// so a damaged blob is fetched again instead of being unpacked.

import { BrokkrError } from "../../errors.ts";
import type { BlobCache } from "./cache.ts";
import { type FetchOptions, fetchBytes, mapLimit } from "./http.ts";

export interface DebRef {
  filename: string;
  size: number;
  sha256: string;
}

export interface FetchDebsOptions {
  mirror: string;
  cache: BlobCache;
  concurrency?: number;
  offline?: boolean;
  onProgress?: (p: {
    done: number;
    total: number;
    bytes: number;
    fromCache: boolean;
    filename: string;
  }) => void;
  http?: FetchOptions;
}

/** Makes every .deb present and verified in the cache; returns their blob paths in input order. */
export async function fetchDebs(pkgs: readonly DebRef[], opts: FetchDebsOptions): Promise<string[]> {
  let done = 0;
  const unique = [...new Map(pkgs.map((p) => [p.sha256.toLowerCase(), p])).values()];
  const paths = new Map<string, string>();
  await mapLimit(unique, opts.concurrency ?? 8, async (p) => {
    const sha = p.sha256.toLowerCase();
    let fromCache = true;
    if (!(await opts.cache.verify(sha))) {
      if (opts.offline) {
        throw new BrokkrError("feed.package-missing", `offline, and ${p.filename} is not in the cache`, {
          hint: "run once with network access to fill the cache",
        });
      }
      const data = await fetchBytes(`${opts.mirror}/${p.filename}`, {
        ...opts.http,
        expectedSize: p.size,
        expectedSha256: sha,
      });
      await opts.cache.write(sha, data);
      fromCache = false;
    }
    paths.set(sha, opts.cache.blobPath(sha));
    opts.onProgress?.({ done: ++done, total: unique.length, bytes: p.size, fromCache, filename: p.filename });
  });
  return pkgs.map((p) => paths.get(p.sha256.toLowerCase()) as string);
}
