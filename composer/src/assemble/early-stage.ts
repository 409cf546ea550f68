// The early stage for `rootfs.layout: partition`: a small initramfs (busybox-static, the modules
// that reach the root disk, a shell script as /init) that finds the root partition by its GPT
// name, mounts it (EROFS, read-only) under an overlay whose upper layer lives on the state
// partition, and hands over to systemd on the real root. The state partition is empty in the
// image; the first boot formats it (ext4 via busybox mke2fs), so changes persist from then on.
// If it cannot be used, the upper layer is a tmpfs and the console says so.
import { Tree } from "../rootfs/tree.ts";
import { ROOT_PARTITION_NAME, STATE_PARTITION_NAME } from "../chains/uki/partition-disk.ts";
import { buildInitramfs } from "./image.ts";


/**
 * Filesystems the early stage mounts, after the drivers' modules for the disk. crc32c_generic
 * first: erofs and ext4 use libcrc32c, which needs a crc32c provider loaded already (a soft
 * dependency, which busybox's insmod does not follow).
 */
export const EARLY_MODULES = ["crc32c_generic", "erofs", "overlay", "ext4"];

export function earlyInitScript(modules: readonly string[]): string {
  return `#!/bin/sh
# Brokkr early stage: mount the root partition and switch to systemd on it.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { echo "brokkr-early: $*" > /dev/console; }
for m in ${modules.join(" ")}; do
  insmod /lib/modules/$m.ko 2>/dev/null || grep -q "^$m " /proc/modules || say "cannot load module $m"
done
# The partition whose GPT name is $1, as a /dev path.
part() {
  for u in /sys/class/block/*/uevent; do
    if grep -qx "PARTNAME=$1" "$u"; then echo "/dev/$(sed -n 's/^DEVNAME=//p' "$u")"; return 0; fi
  done
  return 1
}
i=0
until root=$(part ${ROOT_PARTITION_NAME}); do
  i=$((i + 1))
  if [ $i -gt 3000 ]; then say "no partition named ${ROOT_PARTITION_NAME} after 300 s"; exec sh; fi
  sleep 0.1
done
mkdir -p /lower /state /newroot
mount -t erofs -o ro "$root" /lower || { say "cannot mount $root (erofs)"; exec sh; }
if state=$(part ${STATE_PARTITION_NAME}); then
  if ! mount -t ext4 "$state" /state 2>/dev/null; then
    say "formatting $state for the root's changes (first boot)"
    mke2fs -q -L ${STATE_PARTITION_NAME} "$state" && mount -t ext4 "$state" /state
  fi
fi
if ! grep -q " /state " /proc/mounts; then
  say "no state partition: changes to / last until shutdown"
  mount -t tmpfs -o mode=0755 tmpfs /state
fi
mkdir -p /state/upper /state/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/state/upper,workdir=/state/work /newroot || { say "cannot mount the overlay"; exec sh; }
umount /proc /sys
exec switch_root /newroot /sbin/init "$@"
`;
}

/** The early initramfs (zstd cpio): busybox, the modules in load order, /init. */
export function buildEarlyInitramfs(opts: {
  busybox: Buffer;
  modules: readonly { name: string; data: Buffer }[];
  sourceDateEpoch: number;
}): Buffer {
  const tree = new Tree({ sourceDateEpoch: opts.sourceDateEpoch, mergedUsr: false });
  const mtime = opts.sourceDateEpoch;
  for (const d of ["bin", "dev", "proc", "sys", "lib/modules", "lower", "state", "newroot"]) tree.mkdirp(d);
  tree.writeFile("bin/busybox", opts.busybox, { mode: 0o755, mtime });
  tree.symlink("bin/sh", "busybox", { mtime });
  // The kernel opens /dev/console for /init's output before devtmpfs is mounted.
  tree.add({ path: "dev/console", kind: "char", mode: 0o600, uid: 0, gid: 0, mtime, devMajor: 5, devMinor: 1 });
  for (const m of opts.modules) tree.writeFile(`lib/modules/${m.name}.ko`, m.data, { mode: 0o644, mtime });
  tree.writeFile("init", Buffer.from(earlyInitScript(opts.modules.map((m) => m.name))), { mode: 0o755, mtime });
  return buildInitramfs(tree);
}
