// The UEFI cells of the boot matrix beyond x86_64 (minimal.test.ts boots that one), end to end:
// build examples/aarch64.yaml (trixie, AAVMF) and examples/riscv64.yaml (sid, OpenSBI + U-Boot)
// rootless with the shared package cache, then boot each under TCG to the schematic's marker and
// the login prompt. The guests boot one after the other, so that with another e2e file running
// beside this one there are never more than two. A missing QEMU or firmware fails the test with
// the Debian package to install (qemu.missing); it never skips.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { BrokkrError } from "../src/errors.ts";
import { BlobCache } from "../src/feeds/debian/cache.ts";
import { findMirror } from "../src/feeds/debian/mirror.ts";
import { loadPackages } from "../src/feeds/debian/packages.ts";
import { bootTest } from "../src/qemu/boot-test.ts";
import { runCli, sharedCache, userDir } from "./helpers.ts";

interface Manifest {
  schematicId: string;
  spec: { arch: "aarch64" | "riscv64"; system: { hostname: string }; debian: { suite: string } };
  lock: { package: string; version: string; arch: string }[];
  kernel: { release: string; modules: string[] };
}

const cache = sharedCache();
const env = { BROKKR_CACHE_DIR: cache };
const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;

/** Files in the root directory of the disk's first partition (the ESP), via mtools. */
function espRoot(disk: string): string[] {
  const table = JSON.parse(execFileSync("sfdisk", ["-J", disk], { encoding: "utf8" })) as {
    partitiontable: { sectorsize?: number; partitions: { start: number }[] };
  };
  const offset = table.partitiontable.partitions[0]!.start * (table.partitiontable.sectorsize ?? 512);
  return execFileSync("mdir", ["-b", "-i", `${disk}@@${offset}`, "::/"], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean)
    .map((l) => l.replace(/^::\//, "").replace(/\/$/, ""));
}

async function buildExample(file: string): Promise<{ out: string; manifest: Manifest }> {
  const out = userDir("brokkr-matrix-");
  const r = await runCli(["build", file, "--out", out], env);
  assert.equal(r.code, 0, `build of ${file} failed:\n${r.stderr}\n${r.stdout}`);
  return { out, manifest: readManifest(out) };
}

async function bootToLogin(out: string, m: Manifest) {
  const run = await bootTest({
    image: join(out, "disk.img"),
    arch: m.spec.arch,
    firmware: "uefi",
    // TCG on a shared 2-core machine: an arm64 boot takes 2–4 minutes, riscv64 about 1.5.
    timeoutMs: 15 * 60_000,
    expect: [`BROKKR-BOOT-OK ${m.schematicId}`, `${m.spec.system.hostname} login:`],
    anyOrder: true, // the getty may print its prompt before the boot report unit runs
    logFile: join(out, "boot.log"),
  });
  assert.ok(run.ok, `${m.spec.arch}: ${run.error?.message}\n${run.command.join(" ")}\n${run.output.slice(-3000)}`);
  process.stderr.write(`# ${m.spec.arch} (${run.qemuVersion}): login after ${run.seconds.toFixed(1)} s\n`);
  return run;
}

describe("UEFI on aarch64 and riscv64, end to end", { timeout: 60 * 60_000 }, () => {
  let arm: { out: string; manifest: Manifest };
  let riscv: { out: string; manifest: Manifest };

  before(async () => {
    // Builds may overlap; boots do not.
    [arm, riscv] = await Promise.all([buildExample("examples/aarch64.yaml"), buildExample("examples/riscv64.yaml")]);
  });

  test("aarch64: Debian's arm64 kernel and linuxaa64 stub, UKI as BOOTAA64.EFI", () => {
    const m = arm.manifest;
    const names = m.lock.map((l) => l.package);
    assert.ok(names.some((n) => /^linux-image-.*-arm64-unsigned$/.test(n)), "the arm64 kernel is locked");
    assert.ok(m.lock.every((l) => l.arch === "arm64" || l.arch === "all"), "only arm64 and all packages");
    assert.match(m.kernel.release, /-arm64$/);
    assert.ok(m.kernel.modules.includes("virtio_mmio.ko.xz"), "virt's MMIO transport module is in");
    assert.ok(m.kernel.modules.includes("xhci-plat-hcd.ko.xz"), "usb's arm64 extra module is in");
    assert.deepEqual(espRoot(join(arm.out, "disk.img")), ["EFI"], "no U-Boot script on arm64");
    assert.equal(readFileSync(join(arm.out, "cmdline"), "utf8").split(" ")[0], "console=ttyAMA0,115200");
  });

  test("riscv64: sid's split kernel (image, binary, modules, base), UKI as BOOTRISCV64.EFI, boot.scr", () => {
    const m = riscv.manifest;
    assert.equal(m.spec.debian.suite, "sid");
    const names = m.lock.map((l) => l.package);
    for (const part of ["image", "binary", "modules", "base"]) {
      assert.ok(names.some((n) => n === `linux-${part}-${m.kernel.release}`), `linux-${part}-${m.kernel.release} is locked`);
    }
    assert.ok(m.kernel.modules.includes("virtio_blk.ko.xz"));
    assert.deepEqual(espRoot(join(riscv.out, "disk.img")).sort(), ["EFI", "boot.scr"]);
    assert.match(readFileSync(join(riscv.out, "cmdline"), "utf8"), /^console=ttyS0,115200/);
  });

  test("aarch64 boots (AAVMF) to the marker and the login prompt", async () => {
    await bootToLogin(arm.out, arm.manifest);
  });

  test("riscv64 boots (OpenSBI + U-Boot's UEFI) to the marker and the login prompt", async () => {
    const run = await bootToLogin(riscv.out, riscv.manifest);
    assert.match(run.output, /U-Boot/, "booted through U-Boot");
  });

  test("trixie's riscv64 index either verifies or is refused, clearly, never used unverified", async () => {
    const mirror = findMirror();
    try {
      const pkgs = await loadPackages({
        mirror,
        suite: "trixie",
        components: ["main"],
        arch: "riscv64",
        // Its own cache: this runs as root in CI, and the shared one must stay writable for nobody.
        cache: new BlobCache(userDir("brokkr-trixie-riscv64-")),
      });
      // The mirror has caught up: then the index is a verified riscv64 one.
      assert.ok(pkgs.some((p) => p.package === "libc6" && p.architecture === "riscv64"));
    } catch (e) {
      assert.ok(e instanceof BrokkrError, String(e));
      assert.equal(e.code, "feed.checksum-mismatch", e.message);
      assert.match(e.message, /dists\/trixie\/main\/binary-riscv64\/Packages matches the signed InRelease/);
      assert.match(e.hint ?? "", /debian\.suite picks the suite \(now trixie; e\.g\. sid\)/);
    }
  });
});
