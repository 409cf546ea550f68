// Which Debian packages make the image: the base system, the ports' packages, the spec's
// extra packages, the kernel and the UEFI stub — solved fresh, or taken exactly from a lock.
import { type Catalog, driverModules, imagePathsOf } from "../catalog/index.ts";
import { chainFor } from "../chains/registry.ts";
import { BrokkrError, type Problem } from "../errors.ts";
import { debianArch } from "../feeds/debian/packages.ts";
import type { BinaryPackage, LockEntry } from "../feeds/debian/types.ts";
import { fromLock, toLock } from "../resolve/lockfile.ts";
import { parseRelations } from "../resolve/relations.ts";
import { resolvePackages } from "../resolve/solver.ts";
import { compareVersions } from "../resolve/version.ts";
import type { ImageSpec } from "../spec/index.ts";

/** What every image runs: systemd as PID 1 straight from the initramfs, udev, D-Bus, logind. */
export const basePackages = ["systemd", "systemd-sysv", "udev", "dbus", "kmod", "libpam-systemd"];

const stubPackage = "systemd-boot-efi";
const stubFiles: Record<string, string> = {
  x86_64: "linuxx64.efi.stub",
  aarch64: "linuxaa64.efi.stub",
  riscv64: "linuxriscv64.efi.stub",
};
/** The early stage of `rootfs.layout: partition` is a busybox script (build/early-stage.ts). */
export const earlyStagePackage = "busybox-static";
const serialConsole: Record<string, string> = {
  x86_64: "console=ttyS0,115200",
  aarch64: "console=ttyAMA0,115200",
  riscv64: "console=ttyS0,115200",
};

export interface Plan {
  rootfs: BinaryPackage[];
  /** The package the kernel entry's packagePattern names. */
  kernel: BinaryPackage;
  /** Every package whose files make the kernel: `kernel` first, then its parts (see kernelParts). */
  kernelPackages: BinaryPackage[];
  /** Globs for the image inside kernelPackages, tried in order. */
  kernelImagePaths: string[];
  stub: BinaryPackage;
  stubFile: string;
  /** multiboot2: the hypervisor's package and image globs; `kernel` is then its dom0. */
  hypervisor?: { package: BinaryPackage; imagePaths: string[] };
  /** Read for the boot chain only, never installed: the chain's loader packages (GRUB), then busybox-static (the early stage of a root partition). */
  bootPackages: BinaryPackage[];
  modules: string[];
  cmdline: string[];
  lock: LockEntry[];
}

export function planPackages(opts: {
  spec: ImageSpec;
  catalog: Catalog;
  index: BinaryPackage[];
  lock?: LockEntry[];
}): Plan {
  const { spec, catalog, index } = opts;
  const arch = debianArch(spec.arch);
  const chosenEntry = catalog.kernels.get(spec.kernel)?.arches[spec.arch];
  if (!chosenEntry) {
    throw new BrokkrError("catalog.not-found", `kernel '${spec.kernel}' has no entry for ${spec.arch}`);
  }
  // A hypervisor (kernel xen) runs another kernel entry as dom0: that one gives image and modules.
  const dom0 = catalog.kernels.get(spec.kernel)?.dom0;
  const kernelEntry = dom0 ? catalog.kernels.get(dom0)?.arches[spec.arch] : chosenEntry;
  if (!kernelEntry) {
    throw new BrokkrError("catalog.not-found", `kernel '${dom0}' (dom0 of '${spec.kernel}') has no entry for ${spec.arch}`);
  }
  const kernelPattern = new RegExp(kernelEntry.packagePattern);
  const hypervisorPattern = dom0 ? new RegExp(chosenEntry.packagePattern) : undefined;
  const loaderNames = [
    ...(chainFor(spec.boot.protocol)?.loaderPackages(spec) ?? []),
    ...(spec.rootfs.layout === "partition" ? [earlyStagePackage] : []),
  ];
  const modules = [
    ...new Set(
      spec.drivers.flatMap((id) => {
        const d = catalog.drivers.get(id);
        return d ? driverModules(d, spec.arch) : [];
      }),
    ),
  ].sort();
  const common = {
    kernelImagePaths: imagePathsOf(kernelEntry),
    stubFile: stubFiles[spec.arch]!,
    modules,
    // systemd waits 90 s for a device (the serial console's getty waits for /dev/ttyS0); under
    // emulation on a busy machine udev's coldplug can take longer, and the login prompt never came.
    // dom0's console is Xen's (hvc0), which Xen puts on the serial line.
    cmdline: [dom0 ? "console=hvc0" : serialConsole[spec.arch]!, "systemd.default_device_timeout_sec=300"],
  };
  const bootParts = (pool: readonly BinaryPackage[], from: string) => {
    const pick = (name: string, test: (p: BinaryPackage) => boolean) => {
      const found = newest(pool.filter((p) => test(p) && (p.architecture === arch || p.architecture === "all")));
      if (!found) {
        throw new BrokkrError("feed.package-missing", `${name} is not in ${from} for ${arch}`, {
          hint: from === "the lock" ? "use a manifest.json written by `brokkr build` for this spec" : `check that ${spec.debian.suite} has it`,
        });
      }
      return found;
    };
    const bootPackages = loaderNames.map((n) => pick(n, (p) => p.package === n));
    const hypervisor = hypervisorPattern
      ? { package: pick(`a package matching /${chosenEntry.packagePattern}/`, (p) => hypervisorPattern.test(p.package)), imagePaths: imagePathsOf(chosenEntry) }
      : undefined;
    return { bootPackages, hypervisor };
  };

  const kernel = newest(index.filter((p) => kernelPattern.test(p.package) && p.architecture === arch));
  if (!kernel) {
    throw new BrokkrError("feed.package-missing", `no kernel package matching /${kernelEntry.packagePattern}/ in ${spec.debian.suite} for ${arch}`, {
      hint: "check kernel/<id>.yaml's packagePattern against the suite",
    });
  }
  const stub = newest(index.filter((p) => p.package === stubPackage && p.architecture === arch));
  if (!stub) {
    throw new BrokkrError("feed.package-missing", `${stubPackage} is not in ${spec.debian.suite} for ${arch}`);
  }
  const portPackages = spec.ports.flatMap((id) => catalog.ports.get(id)?.packages ?? []);
  const install = [...new Set([...basePackages, ...portPackages, ...spec.packages])].sort();
  const { packages: rootfs } = resolvePackages(index, { arch, install, withRequired: true });
  const kernelPackages = [kernel, ...kernelParts(kernel, index)];
  const boot = bootParts(index, "the index");
  const extra = [...boot.bootPackages, ...(boot.hypervisor ? [boot.hypervisor.package] : [])];
  const fresh: Plan = { ...common, ...boot, rootfs, kernel, kernelPackages, stub, lock: toLock([...rootfs, ...kernelPackages, stub, ...extra]) };
  if (!opts.lock) return fresh;

  // A lock may only pin versions: it must name exactly the packages this spec installs (the
  // fresh solve's names; the kernel by its pattern, since its name carries its version), and
  // the pinned versions must meet the same dependencies among themselves. Anything else would
  // let a lock put packages into an image that its spec does not ask for.
  const chosen = fromLock(opts.lock, index);
  const lockedKernels = chosen.filter((p) => kernelPattern.test(p.package) && p.architecture === arch);
  if (lockedKernels.length !== 1 || !chosen.some((p) => p.package === stubPackage)) {
    throw lockMismatch(`the lock must hold one kernel package matching /${kernelEntry.packagePattern}/ and ${stubPackage}`, []);
  }
  const lockedKernel = lockedKernels[0]!;
  const lockedKernelPackages = [lockedKernel, ...kernelParts(lockedKernel, chosen, "the lock")];
  const lockedBoot = bootParts(chosen, "the lock");
  const lockedStub = chosen.find((p) => p.package === stubPackage)!;
  const notRootfs = new Set([...lockedKernelPackages, lockedStub, ...lockedBoot.bootPackages, ...(lockedBoot.hypervisor ? [lockedBoot.hypervisor.package] : [])]);
  const lockedRootfs = chosen.filter((p) => !notRootfs.has(p));
  checkLockedRootfs(lockedRootfs, rootfs, opts.lock, () => resolvePackages(lockedRootfs, { arch, install, withRequired: true }).packages);
  return { ...common, ...lockedBoot, rootfs: lockedRootfs, kernel: lockedKernel, kernelPackages: lockedKernelPackages, stub: lockedStub, lock: toLock(chosen) };
}

/**
 * The lock's root packages must be the fresh solve's names, and solving the spec over the
 * locked versions alone must pick exactly them (so every dependency is met inside the lock).
 */
function checkLockedRootfs(
  locked: readonly BinaryPackage[],
  fresh: readonly BinaryPackage[],
  lock: readonly LockEntry[],
  solveLocked: () => BinaryPackage[],
): void {
  const entryOf = (name: string) => lock.findIndex((e) => e.package === name);
  const lockedNames = new Set(locked.map((p) => p.package));
  const freshNames = new Set(fresh.map((p) => p.package));
  const problems: Problem[] = [];
  for (const name of [...lockedNames].sort()) {
    if (!freshNames.has(name)) {
      problems.push({ path: `lock[${entryOf(name)}]`, message: `${name} is not a package this spec installs` });
    }
  }
  for (const name of [...freshNames].sort()) {
    if (!lockedNames.has(name)) problems.push({ path: "lock", message: `${name} is missing: this spec installs it` });
  }
  if (problems.length === 0) {
    let solved: BinaryPackage[];
    try {
      solved = solveLocked();
    } catch (err) {
      const why = err instanceof BrokkrError ? err.message : String(err);
      throw lockMismatch("the locked versions do not meet each other's dependencies", [{ path: "lock", message: why }]);
    }
    const solvedNames = new Set(solved.map((p) => p.package));
    for (const name of [...lockedNames].sort()) {
      if (!solvedNames.has(name)) {
        problems.push({ path: `lock[${entryOf(name)}]`, message: `${name} is not needed by the locked versions of this spec's packages` });
      }
    }
    for (const name of [...solvedNames].sort()) {
      if (!lockedNames.has(name)) problems.push({ path: "lock", message: `the locked versions need ${name}, which the lock lacks` });
    }
  }
  if (problems.length > 0) throw lockMismatch(`the lock does not fit this spec: ${problems.length} problem(s)`, problems);
}

function lockMismatch(message: string, problems: Problem[]): BrokkrError {
  return new BrokkrError("resolve.lock-mismatch", message, {
    problems,
    hint: "a lock may only pin versions of the packages the spec installs: use the manifest.json of a build of this same spec",
  });
}

/**
 * The packages a kernel package is split into. Trixie's linux-image-<release> holds image and
 * modules; later Debian makes it a small package depending on linux-binary-, linux-modules- and
 * linux-base-<release> at exactly its own version (on arm64 and amd64 the binary comes from the
 * linux-signed-* source and the rest from linux, so the source cannot be the test). Those
 * exact-version dependencies are the parts; alternatives (dracut | initramfs-tools) and tools
 * are not.
 */
export function kernelParts(kernel: BinaryPackage, pool: readonly BinaryPackage[], from = "the index"): BinaryPackage[] {
  const parts: BinaryPackage[] = [];
  for (const field of [kernel.preDepends, kernel.depends]) {
    for (const group of parseRelations(field, { arch: kernel.architecture })) {
      const rel = group[0]!;
      if (group.length !== 1 || rel.op !== "=" || rel.version !== kernel.version) continue;
      const part = pool.find(
        (p) => p.package === rel.name && p.version === kernel.version && p.architecture === kernel.architecture,
      );
      if (!part) {
        throw new BrokkrError("feed.package-missing", `${kernel.package} needs ${rel.name} (= ${kernel.version}), which is not in ${from}`, {
          hint: "the suite may be mid-upload (its kernel parts not all published yet); try again later or pin a lock",
        });
      }
      if (!parts.includes(part)) parts.push(part);
    }
  }
  return parts.sort((a, b) => (a.package < b.package ? -1 : 1));
}

function newest(pkgs: BinaryPackage[]): BinaryPackage | undefined {
  return [...pkgs].sort((a, b) => compareVersions(b.version, a.version) || (a.package < b.package ? -1 : 1))[0];
}

export type GroupName = "rootfs" | "kernel" | "stub" | "loader" | "early-stage" | "hypervisor";

/** The plan's packages as named groups, in download order (which is the lock's order too). */
export function planGroups(plan: Plan): { name: GroupName; packages: BinaryPackage[] }[] {
  const early = plan.bootPackages.filter((p) => p.package === earlyStagePackage);
  return [
    { name: "rootfs", packages: plan.rootfs },
    { name: "kernel", packages: plan.kernelPackages },
    { name: "stub", packages: [plan.stub] },
    { name: "loader", packages: plan.bootPackages.filter((p) => !early.includes(p)) },
    { name: "early-stage", packages: early },
    { name: "hypervisor", packages: plan.hypervisor ? [plan.hypervisor.package] : [] },
  ];
}
