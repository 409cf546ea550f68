// Loads the binary package indexes of a suite and fetches .debs. Every byte used is checked
// against a sha256 that chains up to the signed InRelease. Each index stands on its own: unlike
// apt, which commits all of a Release's indexes together, a stale index for one component or
// architecture does not stop us from using the good ones.

import { BrokkrError } from "../../errors.ts";
import { decompress } from "../../util/decompress.ts";
import type { BlobCache } from "./cache.ts";
import { forEachStanza } from "./deb822.ts";
import { type FetchOptions, fetchBytes } from "./http.ts";
import { fetchRelease, type Release, type ReleaseFile } from "./release.ts";
import type { BinaryPackage } from "./types.ts";

// fetchDebs lives in debs.ts; re-exported here because callers look for it beside loadPackages.
export { type DebRef, type FetchDebsOptions, fetchDebs } from "./debs.ts";

/** Bump when the mapping from stanza to BinaryPackage changes, so cached parses are redone. */
const parsedFormat = "binary-package-v1";

/** Spec architecture names (as `uname -m` says them) → Debian's. Debian names pass through. */
export function debianArch(arch: string): string {
  switch (arch) {
    case "x86_64":
      return "amd64";
    case "aarch64":
      return "arm64";
    default:
      return arch;
  }
}

export type FeedProgress =
  | { kind: "release"; suite: string; offline: boolean }
  | {
      kind: "index";
      component: string;
      arch: string;
      from: "parsed-cache" | "blob-cache" | "network";
      packages: number;
      ms: number;
    };

export interface LoadPackagesOptions {
  mirror: string;
  suite: string;
  /** Only these components are read; never others (some mirrors refuse unknown ones). */
  components: readonly string[];
  /** Spec (`x86_64`) or Debian (`amd64`) architecture name. */
  arch: string;
  cache: BlobCache;
  keyring?: string;
  /** Use only the cache: the last verified InRelease and the indexes it names. */
  offline?: boolean;
  /** An already verified Release for this suite, to skip fetching it again. */
  release?: Release;
  onProgress?: (e: FeedProgress) => void;
  http?: FetchOptions;
}

/** Returns the packages of every requested component for one architecture (arch `all` included). */
export async function loadPackages(opts: LoadPackagesOptions): Promise<BinaryPackage[]> {
  const offline = opts.offline ?? false;
  const release =
    opts.release ??
    (await fetchRelease(opts.mirror, opts.suite, {
      keyring: opts.keyring,
      cache: opts.cache,
      offline,
      http: opts.http,
    }));
  opts.onProgress?.({ kind: "release", suite: opts.suite, offline });
  const arch = debianArch(opts.arch);
  const settled = await Promise.allSettled(opts.components.map((c) => loadIndex(opts, release, c, arch)));
  const failures = settled.flatMap((s) => (s.status === "rejected" ? [s.reason as unknown] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    const first = failures[0];
    const code = first instanceof BrokkrError ? first.code : "internal";
    throw new BrokkrError(
      code,
      failures.map((f) => (f instanceof Error ? f.message : String(f))).join("\n"),
      {
        hint: first instanceof BrokkrError ? first.hint : undefined,
        cause: first,
      },
    );
  }
  return settled.flatMap((s) => (s.status === "fulfilled" ? s.value : []));
}

type IndexKind = "gz" | "xz" | "none";

async function loadIndex(
  opts: LoadPackagesOptions,
  release: Release,
  component: string,
  arch: string,
): Promise<BinaryPackage[]> {
  const t0 = performance.now();
  const dir = `${component}/binary-${arch}`;
  const candidates = (["gz", "xz", "none"] as const).flatMap((kind) => {
    const path = kind === "none" ? `${dir}/Packages` : `${dir}/Packages.${kind}`;
    const entry = release.files.get(path);
    return entry === undefined ? [] : [{ kind, path, entry }];
  });
  if (candidates.length === 0) {
    throw new BrokkrError("feed.index-missing", `${opts.suite} lists no Packages index for ${dir}`, {
      hint: `the suite has components ${release.components.join(", ") || "(none)"} and architectures ${release.architectures.join(", ") || "(none)"}`,
      details: { suite: opts.suite, component, arch },
    });
  }
  const parsedStore = opts.cache.derived("packages", parsedFormat);
  const done = (pkgs: BinaryPackage[], from: "parsed-cache" | "blob-cache" | "network") => {
    opts.onProgress?.({
      kind: "index",
      component,
      arch,
      from,
      packages: pkgs.length,
      ms: performance.now() - t0,
    });
    return pkgs;
  };

  for (const c of candidates) {
    const json = await parsedStore.read(c.entry.sha256);
    if (json !== undefined) {
      try {
        return done(JSON.parse(json.toString("utf8")) as BinaryPackage[], "parsed-cache");
      } catch {
        await parsedStore.remove(c.entry.sha256); // damaged entry: parse again below
      }
    }
  }

  const problems: string[] = [];
  let sawMismatch = false;
  for (const c of candidates) {
    let data = await opts.cache.read(c.entry.sha256);
    const from = data === undefined ? "network" : "blob-cache";
    if (data === undefined && !opts.offline) {
      try {
        data = await downloadIndex(opts, release, dir, c.path, c.entry);
      } catch (err) {
        if (!(err instanceof BrokkrError)) throw err;
        sawMismatch ||= err.code === "feed.checksum-mismatch";
        problems.push(err.message);
        continue;
      }
      await opts.cache.write(c.entry.sha256, data);
    }
    if (data === undefined) continue;
    const pkgs = parsePackages((await inflate(data, c.kind, c.path)).toString("utf8"));
    await parsedStore.write(c.entry.sha256, JSON.stringify(pkgs));
    return done(pkgs, from);
  }

  if (opts.offline) {
    throw new BrokkrError("feed.index-missing", `offline, and ${dir} of ${opts.suite} is not in the cache`, {
      hint: "run once with network access to fill the cache",
    });
  }
  const where = `${opts.mirror}/dists/${opts.suite}/${dir}`;
  if (sawMismatch) {
    throw new BrokkrError(
      "feed.checksum-mismatch",
      `no copy of ${where}/Packages matches the signed InRelease:\n  ${problems.join("\n  ")}`,
      {
        hint: `the mirror may be in the middle of a sync or serve a stale index; try again later, another suite, or another mirror (BROKKR_MIRROR); the spec's debian.suite picks the suite (now ${opts.suite}; e.g. sid)`,
        details: { suite: opts.suite, component, arch, attempts: problems },
      },
    );
  }
  throw new BrokkrError("feed.http", `cannot download ${where}/Packages:\n  ${problems.join("\n  ")}`, {
    hint: "check the network and the mirror (BROKKR_MIRROR or the host's apt sources)",
    details: { suite: opts.suite, component, arch, attempts: problems },
  });
}

/** The index by name, then (when the archive offers it) by hash, which survives a mirror mid-sync. */
async function downloadIndex(
  opts: LoadPackagesOptions,
  release: Release,
  dir: string,
  path: string,
  entry: ReleaseFile,
): Promise<Buffer> {
  const base = `${opts.mirror}/dists/${opts.suite}`;
  const want = { ...opts.http, expectedSize: entry.size, expectedSha256: entry.sha256 };
  try {
    return await fetchBytes(`${base}/${path}`, want);
  } catch (err) {
    if (!release.acquireByHash || !(err instanceof BrokkrError)) throw err;
    try {
      return await fetchBytes(`${base}/${dir}/by-hash/SHA256/${entry.sha256}`, want);
    } catch (err2) {
      if (!(err2 instanceof BrokkrError)) throw err2;
      // Report the by-name failure (usually the telling one) together with the by-hash one.
      throw new BrokkrError(
        err.code === "feed.checksum-mismatch" ? err.code : err2.code,
        `${err.message}; by-hash: ${err2.message}`,
        {
          cause: err,
        },
      );
    }
  }
}

async function inflate(data: Buffer, kind: IndexKind, path: string): Promise<Buffer> {
  try {
    return await decompress(data, kind);
  } catch (err) {
    throw new BrokkrError(
      "feed.index-missing",
      `cannot decompress ${path} (its hash matched, so the archive itself is broken)`,
      {
        cause: err,
      },
    );
  }
}

// biome-ignore format: a packed word list reads better
const wantedFields = new Set([
  "package", "version", "architecture", "depends", "pre-depends", "provides", "conflicts", "breaks",
  "priority", "essential", "multi-arch", "section", "filename", "size", "sha256", "installed-size",
  "description", "source",
]);

/** Maps the stanzas of a Packages index to BinaryPackage records. */
export function parsePackages(text: string): BinaryPackage[] {
  const out: BinaryPackage[] = [];
  forEachStanza(
    text,
    (s) => {
      const name = s["package"];
      if (name === undefined) return;
      const desc = s["description"] ?? "";
      const nl = desc.indexOf("\n");
      const src = s["source"] ?? "";
      const sp = src.indexOf(" ");
      out.push({
        package: name,
        version: s["version"] ?? "",
        architecture: s["architecture"] ?? "",
        depends: s["depends"] ?? "",
        preDepends: s["pre-depends"] ?? "",
        provides: s["provides"] ?? "",
        conflicts: s["conflicts"] ?? "",
        breaks: s["breaks"] ?? "",
        priority: s["priority"] ?? "",
        essential: (s["essential"] ?? "").toLowerCase() === "yes",
        multiArch: s["multi-arch"] ?? "",
        section: s["section"] ?? "",
        filename: s["filename"] ?? "",
        size: Number(s["size"] ?? 0),
        sha256: s["sha256"] ?? "",
        installedSize: Number(s["installed-size"] ?? 0),
        description: nl === -1 ? desc : desc.slice(0, nl),
        source: src === "" ? name : sp === -1 ? src : src.slice(0, sp),
      });
    },
    { fields: wantedFields },
  );
  return out;
}
