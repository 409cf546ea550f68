import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildModuleElf } from "../kernel/elf-fixture.ts";
import type { TarEntry } from "../rootfs/tar.ts";
import { Tree } from "../rootfs/tree.ts";
import { installKernel } from "./kernel.ts";

const release = "6.1.0-28-amd64";
const dir = `usr/lib/modules/${release}`;

const file = (path: string, data: Buffer): TarEntry => ({
  path: `./${path}`,
  type: "file",
  mode: 0o644,
  uid: 0,
  gid: 0,
  uname: "root",
  gname: "root",
  mtime: 0,
  size: data.length,
  data,
  linkname: "",
  devmajor: 0,
  devminor: 0,
});

const ko = (modinfo: string[], exports: string[], needs: string[]) =>
  buildModuleElf({ bits: 64, endian: "le", modinfo, exports, crcs: true, needs });

const entries = [
  file(`boot/vmlinuz-${release}`, Buffer.from("bzImage")),
  file(
    `lib/modules/${release}/kernel/drivers/net/virtio_net.ko`,
    ko(["alias=virtio:d00000001v*", "depends=net_failover"], [], ["net_failover_create"]),
  ),
  file(
    `lib/modules/${release}/kernel/drivers/net/net_failover.ko`,
    ko(["depends="], ["net_failover_create"], []),
  ),
  file(`lib/modules/${release}/kernel/sound/snd.ko`, ko(["alias=char-major-116-*"], ["snd_card_new"], [])),
  file(
    `lib/modules/${release}/modules.order`,
    Buffer.from("kernel/drivers/net/net_failover.ko\nkernel/drivers/net/virtio_net.ko\n"),
  ),
  file(`lib/modules/${release}/modules.builtin`, Buffer.from("kernel/drivers/block/virtio_blk.ko\n")),
];

describe("installKernel", () => {
  it("installs the chosen modules with depmod's indexes for them", async () => {
    const tree = new Tree();
    const out = await installKernel(tree, {
      entries,
      imagePaths: ["boot/vmlinuz-*"],
      modules: ["virtio_net"],
    });
    assert.equal(out.release, release);
    assert.deepEqual(out.modules, ["net_failover.ko", "virtio_net.ko"]);
    const text = (name: string) => tree.get(`${dir}/${name}`)?.data?.toString("latin1");
    assert.equal(
      text("modules.dep"),
      "kernel/drivers/net/net_failover.ko:\nkernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko\n",
    );
    assert.equal(
      text("modules.alias"),
      "# Aliases extracted from modules themselves.\nalias virtio:d00000001v* virtio_net\n",
    );
    assert.match(text("modules.symbols") ?? "", /^alias symbol:net_failover_create net_failover$/m);
    for (const name of [
      "modules.dep.bin",
      "modules.alias.bin",
      "modules.symbols.bin",
      "modules.builtin.bin",
    ]) {
      assert.equal(tree.get(`${dir}/${name}`)?.data?.readUInt32BE(0), 0xb007f457, name);
    }
    // No modules.builtin.modinfo in this package: depmod leaves that index empty.
    assert.equal(tree.get(`${dir}/modules.builtin.alias.bin`)?.data?.length, 0);
    assert.ok(tree.has(`${dir}/modules.weakdep`));
    assert.ok(!tree.has(`${dir}/kernel/sound/snd.ko`));
  });
});
