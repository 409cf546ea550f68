// The build, as a list of steps over one BuildContext: spec → feed → resolve → download and
// unpack → rootfs → kernel → configure → initramfs → UKI → outputs (written by the spec's boot
// chain) → manifest. Each step is a function of the context and the steps before it.
import { assetsDirOf, loadSplash } from "./assemble/branding.ts";
import { catalogUnits } from "./assemble/catalog-files.ts";
import { buildEarlyInitramfs, EARLY_MODULES } from "./assemble/early-stage.ts";
import { buildInitramfsCached, buildUkiImage } from "./assemble/image.ts";
import { installKernel, type InstalledKernel } from "./assemble/kernel.ts";
import { type Manifest, writeManifest } from "./assemble/manifest.ts";
import { writeOutputs } from "./assemble/outputs.ts";
import { groupUnpacked, type UnpackedGroups } from "./assemble/package-groups.ts";
import { type Plan, planGroups, planPackages } from "./assemble/plan.ts";
import { type ProgressSink, stage } from "./assemble/progress.ts";
import { controlMembers, dataEntries, unpackDebs } from "./assemble/unpack.ts";
import type { Catalog } from "./catalog/index.ts";
import { type ChainAssembler, loadAssembler } from "./chains/assemble.ts";
import type { BootChain } from "./chains/chain.ts";
import { chainFor } from "./chains/registry.ts";
import { BrokkrError } from "./errors.ts";
import { BlobCache } from "./feeds/debian/cache.ts";
import { findMirror } from "./feeds/debian/mirror.ts";
import { fetchDebs, loadPackages } from "./feeds/debian/packages.ts";
import { erofsEntriesFromTree, layoutErofs } from "./formats/erofs.ts";
import { guidFromSeed } from "./formats/gpt.ts";
import type { LockEntry } from "./feeds/debian/types.ts";
import { moduleLoadOrder } from "./kernel/modules.ts";
import { buildSbom } from "./publish/sbom.ts";
import { defaultSigningKeyFile, loadOrCreateSigningKey } from "./publish/signing-key.ts";
import { checkPlanLimits, type PlanLimits } from "./resolve/plan-limits.ts";
import { configureRootfs } from "./rootfs/configure.ts";
import type { InstalledPackage } from "./rootfs/installed.ts";
import { Tree } from "./rootfs/tree.ts";
import { getSettings } from "./settings/index.ts";
import { assertBuildable } from "./spec/buildable.ts";
import type { ImageSpec } from "./spec/index.ts";

export type { Manifest } from "./assemble/manifest.ts";

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

/** What every step reads: the inputs, and what was checked before any download. */
export interface BuildContext {
  opts: BuildOptions;
  spec: ImageSpec;
  sink: ProgressSink;
  cache: BlobCache;
  mirror: string;
  chain: BootChain;
  assembler: ChainAssembler;
  /** What the chain's prepare() returned (Limine's files). */
  prepared: unknown;
  splash: Buffer | undefined;
  signingKey: Awaited<ReturnType<typeof loadOrCreateSigningKey>>;
}

interface Rootfs {
  tree: Tree;
  installed: InstalledPackage[];
  sourceDateEpoch: number;
}

export async function build(opts: BuildOptions): Promise<Manifest> {
  const ctx = await prepare(opts);
  const plan = await resolve(ctx);
  const groups = await fetchAndUnpack(ctx, plan);
  const root = await makeRootfs(ctx, groups);
  const kernel = await stage(ctx.sink, "kernel", () =>
    installKernel(root.tree, { entries: groups.entries("kernel"), imagePaths: plan.kernelImagePaths, modules: plan.modules }),
  );
  await configure(ctx, plan, root, kernel);
  const initrd = await makeInitramfs(ctx, plan, groups, root, kernel);
  const cmdline = [...plan.cmdline, ...ctx.spec.boot.cmdline].join(" ");
  const uki = await makeUki(ctx, plan, groups, root, { kernel, initrd, cmdline });
  const sbom = await stage(ctx.sink, "sbom", () =>
    buildSbom({
      name: ctx.spec.name,
      schematicId: opts.schematicId,
      sourceDateEpoch: root.sourceDateEpoch,
      packages: groups.all.map((u) => u.pkg),
      unpacked: groups.all.map((u) => u.deb),
    }),
  );
  const staging = `${opts.outDir}/.staging-${process.pid}`;
  const files = await stage(ctx.sink, "image", () =>
    writeOutputs(staging, {
      spec: ctx.spec,
      assembler: ctx.assembler,
      image: {
        spec: ctx.spec,
        seed: opts.schematicId,
        mtime: root.sourceDateEpoch,
        kernel: kernel.image,
        initrd,
        cmdline,
        uki,
        entries: (group) => groups.entries(group),
        hypervisorImagePaths: plan.hypervisor?.imagePaths ?? [],
        rootImage: () => rootImageOf(root.tree, opts.schematicId),
        prepared: ctx.prepared,
      },
      sbom,
    }),
  );
  return writeManifest(staging, opts.outDir, files, ctx.signingKey, {
    schematicId: opts.schematicId,
    spec: ctx.spec,
    lock: plan.lock,
    sourceDateEpoch: root.sourceDateEpoch,
    kernel: { release: kernel.release, modules: kernel.modules },
  });
}

/** Everything that can fail without a download: buildability, the splash, the chain's files. */
async function prepare(opts: BuildOptions): Promise<BuildContext> {
  const { spec } = opts;
  assertBuildable(spec);
  const chain = chainFor(spec.boot.protocol)!;
  const splash = await loadSplash(spec, assetsDirOf(opts.assetsDir));
  const signingKey = await loadOrCreateSigningKey(opts.signingKeyFile ?? defaultSigningKeyFile());
  const cache = opts.cache ?? new BlobCache();
  const assembler = await loadAssembler(chain);
  const prepared = await assembler.prepare?.(spec, cache);
  const sink = opts.onProgress ?? (() => {});
  return { opts, spec, sink, cache, mirror: opts.mirror ?? findMirror(), chain, assembler, prepared, splash, signingKey };
}

async function resolve(ctx: BuildContext): Promise<Plan> {
  const { spec, cache, mirror, sink, opts } = ctx;
  const index = await stage(sink, "feed", () =>
    loadPackages({ mirror, suite: spec.debian.suite, components: spec.debian.components, arch: spec.arch, cache }),
  );
  const plan = await stage(sink, "resolve", () => planPackages({ spec, catalog: opts.catalog, index, lock: opts.lock }));
  checkPlanLimits(planGroups(plan).flatMap((g) => g.packages), opts.limits);
  return plan;
}

async function fetchAndUnpack(ctx: BuildContext, plan: Plan): Promise<UnpackedGroups> {
  const { sink, cache, mirror } = ctx;
  const groups = planGroups(plan);
  const all = groups.flatMap((g) => g.packages);
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
  return groupUnpacked(groups, unpacked);
}

function makeRootfs(ctx: BuildContext, groups: UnpackedGroups): Promise<Rootfs> {
  return stage(ctx.sink, "rootfs", () => {
    const rootfs = groups.get("rootfs");
    const entries = rootfs.map((u) => dataEntries(u.deb.dataTar, u.pkg.package));
    // The newest file in the locked packages: a date that depends only on the lock.
    const sde = getSettings().sourceDateEpoch || entries.reduce((max, es) => es.reduce((m, e) => Math.max(m, e.mtime), max), 0);
    const tree = new Tree({ sourceDateEpoch: sde });
    tree.createMergedUsr(ctx.spec.arch);
    const installed: InstalledPackage[] = rootfs.map(({ pkg: p, deb }, i) => {
      const files = controlMembers(deb.controlTar, p.package);
      tree.addFromTar(entries[i]!, { owner: p.package });
      return {
        name: p.package,
        version: p.version,
        arch: p.architecture,
        multiArch: p.multiArch,
        control: files.get("control")?.toString("utf8") ?? "",
        controlFiles: files,
        files: entries[i]!.map((e) => `/${e.path.replace(/^\.?\/?/, "")}`.replace(/\/$/, "") || "/."),
      };
    });
    return { tree, installed, sourceDateEpoch: sde };
  });
}

function configure(ctx: BuildContext, plan: Plan, root: Rootfs, kernel: InstalledKernel): Promise<void> {
  const { spec, opts } = ctx;
  return stage(ctx.sink, "configure", () => {
    const extra = catalogUnits({ spec, catalog: opts.catalog, packages: new Set(plan.rootfs.map((p) => p.package)) });
    // A dom0's console is Xen's hvc0, not the serial port (Xen owns that).
    if (plan.hypervisor) extra.enable = extra.enable.map((u) => (u === "serial-getty@ttyS0.service" ? "serial-getty@hvc0.service" : u));
    configureRootfs(root.tree, {
      packages: root.installed,
      settings: {
        hostname: spec.system.hostname,
        timezone: spec.system.timezone,
        locale: spec.system.locale,
        keymap: spec.system.keymap,
        schematicId: opts.schematicId,
      },
      users: spec.system.users,
      rootPasswordHash: spec.system.rootPassword,
      sourceDateEpoch: root.sourceDateEpoch,
      files: extra.files,
      enable: [...extra.enable, kernel.depmodUnit],
      disable: extra.disable,
    });
  });
}

/** With a root partition the initramfs is only the early stage; the tree becomes EROFS. */
function makeInitramfs(ctx: BuildContext, plan: Plan, groups: UnpackedGroups, root: Rootfs, kernel: InstalledKernel): Promise<Buffer> {
  return stage(ctx.sink, "initramfs", async () =>
    ctx.spec.rootfs.layout === "partition"
      ? buildEarlyInitramfs({
          busybox: fileOf(groups, "early-stage", ["usr/bin/busybox", "bin/busybox"]),
          modules: await moduleLoadOrder(kernel.files, [...EARLY_MODULES, ...plan.modules]),
          sourceDateEpoch: root.sourceDateEpoch,
        })
      : buildInitramfsCached(root.tree, ctx.cache),
  );
}

/** The UKI from the stub package, for chains that have one; empty for the others. */
async function makeUki(
  ctx: BuildContext,
  plan: Plan,
  groups: UnpackedGroups,
  root: Rootfs,
  parts: { kernel: InstalledKernel; initrd: Buffer; cmdline: string },
): Promise<Buffer> {
  const osRelease = root.tree.get("usr/lib/os-release")?.data?.toString("utf8") ?? "";
  const stub = groups.entries("stub").find((e) => e.path.endsWith(`/${plan.stubFile}`))?.data;
  if (!stub) {
    throw new BrokkrError("boot.stub-missing", `${plan.stub.package} has no ${plan.stubFile}`, {
      hint: "the systemd-boot-efi package of this suite does not ship a stub for this architecture",
    });
  }
  if (!ctx.chain.uki) return Buffer.alloc(0);
  const { kernel, initrd, cmdline } = parts;
  return stage(ctx.sink, "uki", () =>
    buildUkiImage({
      stub,
      osRelease: withBrokkr(osRelease, ctx.opts.schematicId),
      cmdline,
      linux: kernel.image,
      initrd,
      uname: kernel.release,
      splash: ctx.splash,
    }),
  );
}

/** One file of a group's packages (the first of `paths` one has). */
function fileOf(groups: UnpackedGroups, group: "early-stage", paths: string[]): Buffer {
  const entries = groups.entries(group);
  for (const path of paths) {
    const hit = entries.find((e) => e.path.replace(/^\.?\//, "") === path && e.data);
    if (hit?.data) return hit.data;
  }
  const names = groups.get(group).map((u) => u.pkg.package).join(", ") || group;
  throw new BrokkrError("boot.loader-missing", `${names} has no ${paths.join(" or ")}`, { hint: `check ${names} in the suite` });
}

function withBrokkr(osRelease: string, schematicId: string): string {
  return `${osRelease.replace(/\n*$/, "\n")}BROKKR_SCHEMATIC_ID=${schematicId}\n`;
}

/** The root tree as EROFS, for `rootfs.layout: partition`: its UUID from the schematic ID. */
function rootImageOf(tree: Tree, schematicId: string) {
  return layoutErofs(erofsEntriesFromTree(tree), { uuid: guidFromSeed(`${schematicId}:root-fs`), label: "brokkr-root" });
}
