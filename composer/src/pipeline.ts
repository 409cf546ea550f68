// The build, top to bottom: spec → catalog → feed → resolve → rootfs → kernel → initramfs →
// UKI → disk → manifest. Each step is a function of its inputs; this file only wires them.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { type ProgressSink, stage } from "./assemble/progress.ts";
import { controlMembers, dataEntries, unpackDebs } from "./assemble/unpack.ts";
import { assertBuildable } from "./assemble/boot-chains.ts";
import { assetsDirOf, loadSplash } from "./assemble/branding.ts";
import { buildInitramfsCached, buildUkiImage, writeDiskImage } from "./assemble/image.ts";
import { ukiIsoOptions, writeIsoImage } from "./assemble/iso-image.ts";
import { writeQcow2 } from "./formats/qcow2.ts";
import { limineIsoOptions, writeLimineDiskImage } from "./assemble/limine-disk.ts";
import { grubIsoOptions, writeGrubDiskImage } from "./assemble/grub-disk.ts";
import { grubDir } from "./boot/grub.ts";
import { buildEarlyInitramfs, EARLY_MODULES } from "./assemble/early-stage.ts";
import { writePartitionRootDisk } from "./assemble/partition-disk.ts";
import { erofsEntriesFromTree, layoutErofs } from "./formats/erofs.ts";
import { guidFromSeed } from "./formats/gpt.ts";
import { moduleLoadOrder } from "./kernel/modules.ts";
import { loadLimine } from "./boot/limine.ts";
import { prepareLimineDir } from "./boot/limine-fetch.ts";
import { earlyStagePackage, type Plan, planPackages } from "./assemble/plan.ts";
import { findImage, installKernel } from "./assemble/kernel.ts";
import { catalogUnits } from "./assemble/catalog-files.ts";
import type { Catalog } from "./catalog/index.ts";
import { BrokkrError } from "./errors.ts";
import { checkPlanLimits, type PlanLimits } from "./resolve/plan-limits.ts";
import { BlobCache } from "./feeds/debian/cache.ts";
import { fetchDebs, loadPackages } from "./feeds/debian/packages.ts";
import { findMirror } from "./feeds/debian/mirror.ts";
import type { LockEntry } from "./feeds/debian/types.ts";
import { configureRootfs } from "./rootfs/configure.ts";
import type { InstalledPackage } from "./rootfs/installed.ts";
import { Tree } from "./rootfs/tree.ts";
import { errataVersion } from "./errata/index.ts";
import { buildSbom } from "./publish/sbom.ts";
import { checksumsNote } from "./publish/checksums.ts";
import { writeSignedSums } from "./publish/sign-build.ts";
import { defaultSigningKeyFile, loadOrCreateSigningKey } from "./publish/signing-key.ts";
import { getSettings } from "./settings/index.ts";
import type { ImageSpec } from "./spec/index.ts";

export interface BuildOptions {
  spec: ImageSpec;
  schematicId: string;
  catalog: Catalog;
  outDir: string;
  /** A manifest (or its lock) to rebuild exactly. */
  lock?: LockEntry[];
  cache?: BlobCache;
  mirror?: string;
  onProgress?: ProgressSink;
  /** Where branding assets (the splash BMP) are found by sha256; default BROKKR_ASSETS_DIR. */
  assetsDir?: string;
  /** Bounds a service sets (packages, installed size); none for the CLI. */
  limits?: PlanLimits;
  /** The OpenPGP key that signs SHA256SUMS, made on first use; default `<state dir>/signing-key.asc`. */
  signingKeyFile?: string;
}

export interface Manifest {
  schematicId: string;
  spec: ImageSpec;
  lock: LockEntry[];
  artifacts: Record<string, { sha256: string; size: number }>;
  sourceDateEpoch: number;
  kernel: { release: string; modules: string[] };
  /** The composer's errata version (errata/index.ts): which writer fixes these bytes have. */
  errata: number;
  /** SHA256SUMS and its signature: beside the artifacts, outside `artifacts` (see the note). */
  checksums: typeof checksumsNote;
}

export async function build(opts: BuildOptions): Promise<Manifest> {
  const { spec, catalog, schematicId } = opts;
  assertBuildable(spec);
  // Before any download: a missing splash should fail the build at once.
  const splash = await loadSplash(spec, assetsDirOf(opts.assetsDir));
  const signingKey = await loadOrCreateSigningKey(opts.signingKeyFile ?? defaultSigningKeyFile());
  const sink = opts.onProgress ?? (() => {});
  const cache = opts.cache ?? new BlobCache();
  const mirror = opts.mirror ?? findMirror();
  // Limine's files are checked before any download, so a missing Limine fails at once.
  const limine =
    spec.boot.protocol === "limine"
      ? loadLimine({ arch: spec.arch, firmware: spec.boot.firmware, dir: await prepareLimineDir(cache), iso: spec.outputs.includes("iso") })
      : undefined;

  const index = await stage(sink, "feed", () =>
    loadPackages({ mirror, suite: spec.debian.suite, components: spec.debian.components, arch: spec.arch, cache }),
  );
  const plan = await stage(sink, "resolve", () => planPackages({ spec, catalog, index, lock: opts.lock }));
  checkPlanLimits([...plan.rootfs, ...plan.kernelPackages, plan.stub, ...plan.bootPackages, ...(plan.hypervisor ? [plan.hypervisor.package] : [])], opts.limits);

  const bootOnly = [...plan.bootPackages, ...(plan.hypervisor ? [plan.hypervisor.package] : [])];
  const all = [...plan.rootfs, ...plan.kernelPackages, plan.stub, ...bootOnly];
  const kernelAt = plan.rootfs.length;
  const stubAt = kernelAt + plan.kernelPackages.length;
  const paths = await stage(sink, "download", () =>
    fetchDebs(all, {
      mirror,
      cache,
      onProgress: (p) => sink({ kind: "download", done: p.done, total: p.total, bytes: p.bytes, fromCache: p.fromCache }),
    }),
  );
  const unpacked = await stage(sink, "unpack", () =>
    unpackDebs(
      all.map((p, i) => ({ path: paths[i]!, sha256: p.sha256, name: `${p.package}_${p.version}_${p.architecture}.deb` })),
      cache,
    ),
  );

  const { tree, installed, sourceDateEpoch } = await stage(sink, "rootfs", () => {
    const entries = plan.rootfs.map((p, i) => dataEntries(unpacked[i]!.dataTar, p.package));
    // The newest file in the locked packages: a date that depends only on the lock.
    const sde =
      getSettings().sourceDateEpoch ||
      entries.reduce((max, es) => es.reduce((m, e) => Math.max(m, e.mtime), max), 0);
    const t = new Tree({ sourceDateEpoch: sde });
    t.createMergedUsr(spec.arch);
    const inst: InstalledPackage[] = [];
    plan.rootfs.forEach((p, i) => {
      const files = controlMembers(unpacked[i]!.controlTar, p.package);
      t.addFromTar(entries[i]!, { owner: p.package });
      inst.push({
        name: p.package,
        version: p.version,
        arch: p.architecture,
        multiArch: p.multiArch,
        control: files.get("control")?.toString("utf8") ?? "",
        controlFiles: files,
        files: entries[i]!.map((e) => `/${e.path.replace(/^\.?\/?/, "")}`.replace(/\/$/, "") || "/."),
      });
    });
    return { tree: t, installed: inst, sourceDateEpoch: sde };
  });

  const kernel = await stage(sink, "kernel", () =>
    installKernel(tree, {
      entries: plan.kernelPackages.flatMap((p, i) => dataEntries(unpacked[kernelAt + i]!.dataTar, p.package)),
      imagePaths: plan.kernelImagePaths,
      modules: plan.modules,
    }),
  );

  await stage(sink, "configure", () => {
    const extra = catalogUnits({ spec, catalog, packages: new Set(plan.rootfs.map((p) => p.package)) });
    // A dom0's console is Xen's hvc0, not the serial port (Xen owns that).
    if (plan.hypervisor) extra.enable = extra.enable.map((u) => (u === "serial-getty@ttyS0.service" ? "serial-getty@hvc0.service" : u));
    configureRootfs(tree, {
      packages: installed,
      settings: {
        hostname: spec.system.hostname,
        timezone: spec.system.timezone,
        locale: spec.system.locale,
        keymap: spec.system.keymap,
        schematicId,
      },
      users: spec.system.users,
      rootPasswordHash: spec.system.rootPassword,
      sourceDateEpoch,
      files: extra.files,
      enable: [...extra.enable, kernel.depmodUnit],
      disable: extra.disable,
    });
  });

  // With a root partition the initramfs is only the early stage; the tree becomes EROFS.
  const initrd = await stage(sink, "initramfs", async () =>
    spec.rootfs.layout === "partition"
      ? buildEarlyInitramfs({
          busybox: bootFile(plan, unpacked.slice(stubAt + 1), earlyStagePackage, ["usr/bin/busybox", "bin/busybox"]),
          modules: await moduleLoadOrder(kernel.files, [...EARLY_MODULES, ...plan.modules]),
          sourceDateEpoch,
        })
      : buildInitramfsCached(tree, cache),
  );
  const cmdline = [...plan.cmdline, ...spec.boot.cmdline].join(" ");
  const osRelease = tree.get("usr/lib/os-release")?.data?.toString("utf8") ?? "";
  const stubEntries = dataEntries(unpacked[stubAt]!.dataTar, plan.stub.package);
  const stub = stubEntries.find((e) => e.path.endsWith(`/${plan.stubFile}`))?.data;
  if (!stub) {
    throw new BrokkrError("boot.stub-missing", `${plan.stub.package} has no ${plan.stubFile}`, {
      hint: "the systemd-boot-efi package of this suite does not ship a stub for this architecture",
    });
  }
  // multiboot2 boots Xen and dom0 from GRUB: no UKI (validation refuses `uki` with a hypervisor).
  const uki =
    spec.boot.protocol === "multiboot2"
      ? Buffer.alloc(0)
      : await stage(sink, "uki", () =>
          buildUkiImage({ stub, osRelease: withBrokkr(osRelease, schematicId), cmdline, linux: kernel.image, initrd, uname: kernel.release, splash }),
        );
  const grub =
    spec.boot.protocol === "multiboot2"
      ? multiboot2Parts(plan, unpacked.slice(stubAt + 1), spec.boot.firmware)
      : undefined;

  // Artifacts are written into a staging directory and renamed into place at the end, so a
  // failed build never leaves a half-written image under its final name.
  const staging = `${opts.outDir}/.staging-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const files: Record<string, Buffer | "disk" | "iso" | "qcow2"> = {};
  if (spec.outputs.includes("uki")) files["uki.efi"] = uki;
  if (spec.outputs.includes("pxe")) {
    files["vmlinuz"] = kernel.image;
    files["initrd.img"] = initrd;
    files["cmdline"] = Buffer.from(`${cmdline}\n`);
  }
  if (spec.outputs.includes("disk")) files["disk.img"] = "disk";
  // disk.qcow2 is converted from disk.img, which is written (and dropped) when not an output.
  const rawOnly = spec.outputs.includes("qcow2") && !spec.outputs.includes("disk");
  if (rawOnly) files["disk.img"] = "disk";
  if (spec.outputs.includes("iso")) files["image.iso"] = "iso";
  if (spec.outputs.includes("qcow2")) files["disk.qcow2"] = "qcow2";
  files["sbom.spdx.json"] = await stage(sink, "sbom", () => buildSbom({ name: spec.name, schematicId, sourceDateEpoch, packages: all, unpacked }));
  const limineDisk = limine && {
    arch: spec.arch,
    firmware: spec.boot.firmware,
    limine,
    kernel: kernel.image,
    initrd,
    cmdline,
    title: spec.name,
    seed: schematicId,
    mtime: sourceDateEpoch,
  };
  await stage(sink, "image", async () => {
    for (const [name, data] of Object.entries(files)) {
      if (data === "iso") {
        const iso = limineDisk
          ? limineIsoOptions(limineDisk)
          : grub
            ? grubIsoOptions({
                firmware: grub.firmware,
                efi: grub.efi,
                pc: grub.pc,
                xen: grub.xen,
                xenArgs,
                kernel: kernel.image,
                kernelArgs: cmdline,
                initrd,
                seed: schematicId,
                mtime: sourceDateEpoch,
              })
            : ukiIsoOptions({ arch: spec.arch, uki, seed: schematicId, mtime: sourceDateEpoch });
        await writeIsoImage(join(staging, name), iso);
        continue;
      }
      if (data === "qcow2") {
        await writeQcow2(join(staging, name), join(staging, "disk.img"));
        continue;
      }
      if (data === "disk" && limineDisk) {
        await writeLimineDiskImage(join(staging, name), limineDisk);
      } else if (data === "disk" && spec.rootfs.layout === "partition") {
        const root = layoutErofs(erofsEntriesFromTree(tree), { uuid: guidFromSeed(`${schematicId}:root-fs`), label: "brokkr-root" });
        await writePartitionRootDisk(join(staging, name), { arch: spec.arch, uki, root, seed: schematicId, mtime: sourceDateEpoch });
      } else if (data === "disk" && grub) {
        await writeGrubDiskImage(join(staging, name), {
          firmware: grub.firmware,
          grub: grub.dir,
          xen: grub.xen,
          xenArgs: xenArgs,
          kernel: kernel.image,
          kernelArgs: cmdline,
          initrd,
          seed: schematicId,
          mtime: sourceDateEpoch,
        });
      } else if (data === "disk") await writeDiskImage(join(staging, name), { arch: spec.arch, uki, seed: schematicId, mtime: sourceDateEpoch });
      else await writeFile(join(staging, name), data);
    }
    if (rawOnly) {
      await rm(join(staging, "disk.img"));
      delete files["disk.img"];
    }
  });

  const manifest: Manifest = {
    schematicId,
    spec,
    lock: plan.lock,
    artifacts: {},
    sourceDateEpoch,
    kernel: { release: kernel.release, modules: kernel.modules },
    errata: errataVersion,
    checksums: checksumsNote,
  };
  for (const name of Object.keys(files).sort()) {
    const data = await readFile(join(staging, name));
    manifest.artifacts[name] = { sha256: createHash("sha256").update(data).digest("hex"), size: data.length };
  }
  await writeFile(join(staging, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const sums = await writeSignedSums(staging, manifest.artifacts, signingKey);
  await mkdir(opts.outDir, { recursive: true });
  for (const name of [...Object.keys(files), "manifest.json", ...sums]) {
    await rename(join(staging, name), join(opts.outDir, name));
  }
  await rm(staging, { recursive: true, force: true });
  return manifest;
}

/** One file of a boot-only package (the first of `paths` it has). */
function bootFile(plan: Plan, unpacked: readonly { dataTar: Buffer }[], pkg: string, paths: string[]): Buffer {
  const at = plan.bootPackages.findIndex((p) => p.package === pkg);
  const entries = at < 0 ? [] : dataEntries(unpacked[at]!.dataTar, pkg);
  for (const path of paths) {
    const hit = entries.find((e) => e.path.replace(/^\.?\//, "") === path && e.data);
    if (hit?.data) return hit.data;
  }
  throw new BrokkrError("boot.loader-missing", `${pkg} has no ${paths.join(" or ")}`, { hint: `check ${pkg} in the suite` });
}

/** Xen on the serial line, with a fixed dom0 size so dom0 does not balloon at boot. */
const xenArgs = "console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M";

/**
 * GRUB's platform directories and the uncompressed hypervisor, from the boot-only packages:
 * `dir` for the firmware's disk, `efi` and `pc` for the ISO (`efi` is empty without an ISO on BIOS).
 */
function multiboot2Parts(plan: Plan, unpacked: readonly { dataTar: Buffer }[], firmware: "uefi" | "bios") {
  const loaders = plan.bootPackages.flatMap((p, i) => dataEntries(unpacked[i]!.dataTar, p.package));
  const efi = grubDir(loaders, "x86_64-efi");
  const pc = grubDir(loaders, "i386-pc");
  const dir = firmware === "uefi" ? efi : pc;
  const hv = plan.hypervisor;
  if (!hv) throw new BrokkrError("boot.not-implemented", "multiboot2 needs a hypervisor kernel (kernel: xen)");
  const image = findImage(dataEntries(unpacked[plan.bootPackages.length]!.dataTar, hv.package.package), hv.imagePaths);
  if (!image?.data) {
    throw new BrokkrError("kernel.image-missing", `${hv.package.package} has no file matching ${hv.imagePaths.join(" or ")}`, {
      hint: "check kernel/<id>.yaml's imagePath",
    });
  }
  const xen = image.data[0] === 0x1f && image.data[1] === 0x8b ? gunzipSync(image.data) : image.data;
  return { firmware, dir, efi, pc, xen };
}

function withBrokkr(osRelease: string, schematicId: string): string {
  return `${osRelease.replace(/\n*$/, "\n")}BROKKR_SCHEMATIC_ID=${schematicId}\n`;
}
