import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { BrokkrError } from "../errors.ts";
import { forceInProcessDecoders } from "../util/decompress.ts";
import { buildModuleElf } from "./elf-fixture.ts";
import { type KernelFile, selectModules } from "./modules.ts";

const release = "6.1.0-28-amd64";
const dir = `usr/lib/modules/${release}`;
const hasXz = existsSync("/usr/bin/xz");

const ko = (depends: string, ...more: string[]) =>
  buildModuleElf({ bits: 64, endian: "le", modinfo: [`depends=${depends}`, "license=GPL", ...more] });
/** The kernel packages compress modules with xz's crc32 check, as `xz --check=crc32` does. */
const xz = (data: Buffer) => execFileSync("xz", ["-c", "--check=crc32"], { input: data });

function kernelFiles(compress: boolean): KernelFile[] {
  const failover = ko("", "alias=net_failover_helper");
  return [
    { path: `boot/vmlinuz-${release}`, data: Buffer.from("bzImage") },
    { path: `${dir}/kernel/drivers/net/virtio_net.ko`, data: ko("net_failover", "alias=virtio:d00000001v*") },
    compress
      ? { path: `${dir}/kernel/drivers/net/net_failover.ko.xz`, data: xz(ko("failover")) }
      : { path: `${dir}/kernel/drivers/net/net_failover.ko`, data: ko("failover") },
    { path: `${dir}/kernel/net/core/failover.ko`, data: failover },
    { path: `${dir}/kernel/drivers/md/dm-mod.ko`, data: ko("") },
    { path: `${dir}/kernel/drivers/md/dm-crypt.ko`, data: ko("dm-mod") },
    { path: `${dir}/kernel/sound/snd.ko`, data: ko("") },
    { path: `${dir}/modules.order`, data: Buffer.from("kernel/drivers/net/virtio_net.ko\n") },
    {
      path: `${dir}/modules.builtin`,
      data: Buffer.from("kernel/drivers/virtio/virtio_pci.ko\nkernel/drivers/block/virtio_blk.ko\n"),
    },
    { path: `${dir}/modules.builtin.modinfo`, data: Buffer.from("virtio_pci.license=GPL\0") },
    { path: `${dir}/modules.alias`, data: Buffer.from("# not shipped by Debian; made by depmod\n") },
  ];
}

const names = (files: KernelFile[]) => files.map((f) => f.path.slice(dir.length + 1));

describe("selectModules", () => {
  it("takes the closure over depends=, treating - and _ alike", async () => {
    const sel = await selectModules(kernelFiles(false), ["virtio-net", "dm_crypt"]);
    assert.equal(sel.release, release);
    assert.deepEqual(names(sel.files), [
      "kernel/drivers/md/dm-crypt.ko",
      "kernel/drivers/md/dm-mod.ko",
      "kernel/drivers/net/net_failover.ko",
      "kernel/drivers/net/virtio_net.ko",
      "kernel/net/core/failover.ko",
    ]);
    assert.deepEqual(names(sel.support), ["modules.builtin", "modules.builtin.modinfo", "modules.order"]);
    assert.deepEqual(sel.builtin, []);
  });

  it("reports built-in modules instead of installing them", async () => {
    const sel = await selectModules(kernelFiles(false), ["virtio_pci", "virtio-blk", "virtio_pci"]);
    assert.deepEqual(sel.files, []);
    assert.deepEqual(sel.builtin, ["virtio_blk", "virtio_pci"]);
  });

  it("reads .ko.xz modules decompressed but installs them compressed", async (t) => {
    if (!hasXz) {
      t.skip("xz not installed: cannot make the fixture");
      return;
    }
    const files = kernelFiles(true);
    // Both decoders: the host's xz, and the in-process one used when xz is absent.
    for (const inProcess of [false, true]) {
      forceInProcessDecoders(inProcess);
      try {
        const sel = await selectModules(files, ["virtio_net"]);
        // failover is only reachable through net_failover.ko.xz's depends=.
        assert.deepEqual(names(sel.files), [
          "kernel/drivers/net/net_failover.ko.xz",
          "kernel/drivers/net/virtio_net.ko",
          "kernel/net/core/failover.ko",
        ]);
        const installed = sel.files.find((f) => f.path.endsWith(".ko.xz"))!;
        assert.equal(installed.data, files.find((f) => f.path === installed.path)!.data);
        assert.deepEqual(installed.data.subarray(0, 6), Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]));
      } finally {
        forceInProcessDecoders(false);
      }
    }
  });

  it("throws kernel.module-missing for a module the kernel lacks, also as a dependency", async () => {
    await assert.rejects(selectModules(kernelFiles(false), ["virtio_net", "nope"]), (e: unknown) => {
      return (
        e instanceof BrokkrError && e.code === "kernel.module-missing" && /no module nope\b/.test(e.message)
      );
    });
    const broken = [...kernelFiles(false), { path: `${dir}/kernel/x/needs-ghost.ko`, data: ko("ghost") }];
    await assert.rejects(
      selectModules(broken, ["needs_ghost"]),
      (e: unknown) =>
        e instanceof BrokkrError && e.code === "kernel.module-missing" && e.message.includes("ghost"),
    );
  });

  it("needs a usr/lib/modules/<release>/ tree", async () => {
    await assert.rejects(
      selectModules([{ path: `boot/vmlinuz-${release}`, data: Buffer.from("bzImage") }], ["virtio_net"]),
      (e: unknown) => e instanceof BrokkrError && e.code === "kernel.module-missing",
    );
  });
});
