// The kernel image and the chosen drivers' modules from the kernel package. Only those
// modules go into the image, not the 100 MB of all of them, with the indexes depmod would make
// for them (modules.dep, modules.alias, ... and their .bin tries), so udev autoloads modules
// from the first boot on without running depmod in the guest.
import { BrokkrError } from "../errors.ts";
import { buildModuleIndexes } from "../kernel/depmod.ts";
import { type KernelFile, type ModuleSelection, selectModules } from "../kernel/modules.ts";
import type { TarEntry } from "../rootfs/tar.ts";
import { findImage } from "../kernel/find-image.ts";
import type { Tree } from "../rootfs/tree.ts";
import { decompress, kindFromName } from "../util/decompress.ts";

// A fallback only: it runs when modules.dep.bin is missing, which an image built here never
// is (the indexes are written below). It would matter if something removed them.
const depmodUnit = `[Unit]
Description=Brokkr: index the kernel modules of this image
DefaultDependencies=no
Before=systemd-udevd.service systemd-modules-load.service systemd-udev-trigger.service
ConditionPathExists=!/usr/lib/modules/%v/modules.dep.bin

[Service]
Type=oneshot
ExecStart=/usr/sbin/depmod -a

[Install]
WantedBy=sysinit.target
`;

export interface InstalledKernel {
  image: Buffer;
  release: string;
  modules: string[];
  depmodUnit: string;
  files: KernelFile[];
}

export async function installKernel(
  tree: Tree,
  opts: { entries: TarEntry[]; imagePaths: string[]; modules: string[] },
): Promise<InstalledKernel> {
  const norm = (p: string) =>
    p
      .replace(/^\.?\//, "")
      .replace(/^lib\//, "usr/lib/");
  const image = findImage(opts.entries, opts.imagePaths, norm);
  if (!image) {
    throw new BrokkrError("kernel.image-missing", `the kernel package(s) have no file matching ${opts.imagePaths.join(" or ")}`, {
      hint: "check kernel/<id>.yaml's imagePath",
    });
  }
  const files: KernelFile[] = opts.entries.filter((e) => e.type === "file").map((e) => ({ path: norm(e.path), data: e.data }));
  const sel = await selectModules(files, opts.modules);
  for (const f of [...sel.files, ...sel.support, ...(await moduleIndexes(sel))]) {
    tree.mkdirp(f.path.slice(0, f.path.lastIndexOf("/")));
    tree.writeFile(f.path, f.data, { mode: 0o644 });
  }
  tree.mkdirp("etc/systemd/system");
  tree.writeFile("etc/systemd/system/brokkr-depmod.service", Buffer.from(depmodUnit), { mode: 0o644 });
  return {
    image: image.data,
    release: sel.release,
    modules: sel.files.map((f) => f.path.slice(f.path.lastIndexOf("/") + 1)),
    depmodUnit: "brokkr-depmod.service",
    // The kernel packages' files, paths normalised: the early stage of a root partition picks from them.
    files,
  };
}

/** The files `depmod <release>` writes, for the modules chosen. */
export async function moduleIndexes(sel: ModuleSelection): Promise<KernelFile[]> {
  const dir = `usr/lib/modules/${sel.release}/`;
  const modules = await Promise.all(
    sel.files.map(async (f) => {
      const kind = kindFromName(f.path);
      const elf = sel.elfs.get(f.path) ?? (kind === "none" ? f.data : await decompress(f.data, kind));
      return { path: f.path.slice(dir.length), elf };
    }),
  );
  const support = (name: string) => sel.support.find((f) => f.path === `${dir}${name}`)?.data;
  const indexes = buildModuleIndexes({
    modules,
    order: support("modules.order")?.toString("utf8"),
    builtin: support("modules.builtin")?.toString("utf8"),
    builtinModinfo: support("modules.builtin.modinfo"),
  });
  return [...indexes].map(([name, data]) => ({ path: `${dir}${name}`, data }));
}
