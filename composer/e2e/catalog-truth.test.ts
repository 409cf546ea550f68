// The catalog tells the truth against the real archive: every port resolves on every arch it
// claims, and every driver's modules (with their dependencies) are in that arch's kernel.
// riscv64 reads sid: trixie's riscv64 index on this mirror fails verification (docs/lab-notes.md).
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { unpackDebs, dataEntries } from "../src/assemble/unpack.ts";
import { planPackages } from "../src/assemble/plan.ts";
import { driverModules, loadCatalog } from "../src/catalog/index.ts";
import { BlobCache } from "../src/feeds/debian/cache.ts";
import { findMirror } from "../src/feeds/debian/mirror.ts";
import { getSettings } from "../src/settings/index.ts";
import { debianArch, fetchDebs, loadPackages } from "../src/feeds/debian/packages.ts";
import { selectModules } from "../src/kernel/modules.ts";
import { buildIndex } from "../src/resolve/package-index.ts";
import { resolvePackages } from "../src/resolve/solver.ts";
import { ARCHES } from "../src/spec/index.ts";
import { normalizeSpec } from "../src/spec/normalize.ts";
import { repo } from "./helpers.ts";

const suiteFor = { x86_64: "trixie", aarch64: "trixie", riscv64: "sid" } as const;

describe("catalog truth against the archive", { timeout: 30 * 60_000 }, async () => {
  const catalog = await loadCatalog(repo);
  // Its own cache: this test runs as root, and root must not leave files in the cache that
  // the rootless e2e builds (as nobody) write to.
  const cache = new BlobCache(getSettings().e2eTruthCache ?? join(tmpdir(), "brokkr-e2e-truth-cache"));
  const mirror = findMirror();

  for (const arch of ARCHES) {
    const suite = suiteFor[arch];
    test(`${arch} (${suite}): every claimed port resolves, every supported driver's modules exist`, async () => {
      const index = await loadPackages({ mirror, suite, components: ["main"], arch, cache });
      const pidx = buildIndex(index);
      const unresolved: string[] = [];
      let ports = 0;
      for (const port of catalog.ports.values()) {
        if (!port.arches.includes(arch)) continue;
        ports++;
        try {
          resolvePackages(pidx, { arch: debianArch(arch), install: port.packages, withRequired: false });
        } catch (err) {
          unresolved.push(`${port.id}: ${(err as Error).message}`);
        }
      }
      assert.deepEqual(unresolved, [], `ports that do not resolve on ${arch}`);
      assert.ok(ports >= 30, `only ${ports} ports claim ${arch}`);

      const drivers = [...catalog.drivers.values()].filter((d) => d.arches[arch].supported);
      const spec = normalizeSpec({ name: "truth", arch, debian: { suite }, drivers: [] });
      const plan = planPackages({ spec, catalog, index });
      const paths = await fetchDebs(plan.kernelPackages, { mirror, cache });
      const unpacked = await unpackDebs(
        plan.kernelPackages.map((p, i) => ({ path: paths[i]!, sha256: p.sha256, name: p.package })),
        cache,
      );
      const files = plan.kernelPackages
        .flatMap((p, i) => dataEntries(unpacked[i]!.dataTar, p.package))
        .filter((e) => e.type === "file")
        .map((e) => ({ path: e.path.replace(/^\.?\//, "").replace(/^lib\//, "usr/lib/"), data: e.data }));
      const missing: string[] = [];
      for (const d of drivers) {
        try {
          await selectModules(files, driverModules(d, arch));
        } catch (err) {
          missing.push(`${d.id}: ${(err as Error).message}`);
        }
      }
      assert.deepEqual(missing, [], `drivers whose modules are not in ${plan.kernel.package}`);
      assert.ok(drivers.length >= 8, `only ${drivers.length} drivers claim ${arch}`);
    });
  }
});
