// Branding assets for the build: the boot splash is an uploaded image, converted once to a BMP
// and kept by its sha256 in an asset directory — the image service's content-addressed store
// (<dir>/sha256/<hh>/<hash>) or a plain directory of <hash> or <hash>.bmp files.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { BrokkrError } from "../errors.ts";
import { readBmpInfo } from "../formats/bmp.ts";
import { getSettings } from "../settings/index.ts";
import type { ImageSpec } from "../spec/index.ts";

/** Where assets are looked up: the build option, else BROKKR_ASSETS_DIR. */
export function assetsDirOf(option: string | undefined): string | undefined {
  return option ?? getSettings().assetsDir;
}

export function assetCandidates(dir: string, sha256: string): string[] {
  return [join(dir, "sha256", sha256.slice(0, 2), sha256), join(dir, sha256), join(dir, `${sha256}.bmp`)];
}

/** The splash BMP the spec names, checked against its hash; undefined when the spec has none. */
export async function loadSplash(spec: ImageSpec, assetsDir: string | undefined): Promise<Buffer | undefined> {
  const sha256 = spec.branding?.splash;
  if (!sha256) return undefined;
  const hint =
    "upload the image again (POST it to /api/assets on the server) or put the BMP, named by its sha256, in BROKKR_ASSETS_DIR";
  if (!assetsDir) {
    throw new BrokkrError("asset.not-found", `branding.splash ${sha256}: no asset directory is set`, { hint });
  }
  let data: Buffer | undefined;
  for (const path of assetCandidates(assetsDir, sha256)) {
    data = await readFile(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT" || err.code === "ENOTDIR") return undefined;
      throw new BrokkrError("io", `cannot read ${path}: ${err.message}`, { cause: err });
    });
    if (data) break;
  }
  if (!data) {
    throw new BrokkrError("asset.not-found", `branding.splash ${sha256} is not in the asset directory ${assetsDir}`, { hint });
  }
  const actual = createHash("sha256").update(data).digest("hex");
  if (actual !== sha256) {
    throw new BrokkrError("asset.invalid", `the asset ${sha256} in ${assetsDir} has the sha256 ${actual}`, {
      hint: "the file was changed or damaged; upload the image again",
    });
  }
  readBmpInfo(data, `branding.splash ${sha256}`);
  return data;
}
