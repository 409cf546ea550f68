// The kernel image and the chosen drivers' modules from the kernel package. Only those
// modules go into the image, not the 100 MB of all of them.
import { BrokkrError } from "../errors.ts";
import { selectModules } from "../kernel/modules.ts";
import type { TarEntry } from "../rootfs/tar.ts";
import type { Tree } from "../rootfs/tree.ts";

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

export async function installKernel(
  tree: Tree,
  opts: { entries: TarEntry[]; imagePath: string; modules: string[] },
): Promise<{ image: Buffer; release: string; modules: string[]; depmodUnit: string }> {
  const norm = (p: string) =>
    p
      .replace(/^\.?\//, "")
      .replace(/^lib\//, "usr/lib/");
  const glob = new RegExp(`^${opts.imagePath.replace(/[.+]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
  const image = opts.entries.find((e) => e.type === "file" && glob.test(norm(e.path)));
  if (!image) {
    throw new BrokkrError("kernel.module-missing", `the kernel package has no file matching ${opts.imagePath}`, {
      hint: "check kernel/<id>.yaml's imagePath",
    });
  }
  const files = opts.entries.filter((e) => e.type === "file").map((e) => ({ path: norm(e.path), data: e.data }));
  const sel = await selectModules(files, opts.modules);
  for (const f of [...sel.files, ...sel.support]) {
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
  };
}
