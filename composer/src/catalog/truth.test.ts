// The catalog tells the truth per architecture. These facts were read from Debian trixie's
// kernel .debs (fixtures/debian-trixie-modules.json; drivers/README.md says how to refresh them).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { before, test } from "node:test";
import { ARCHES } from "../terms/patterns.ts";
import { loadCatalog } from "./load.ts";
import { type Catalog, driverModules, imagePathsOf } from "./models.ts";

interface ArchModules {
  release: string;
  modules: string[];
  builtin: string[];
  absent: string[];
}
let catalog: Catalog;
let facts: Record<string, ArchModules>;
before(async () => {
  catalog = await loadCatalog();
  const text = await readFile(new URL("fixtures/debian-trixie-modules.json", import.meta.url), "utf8");
  facts = (JSON.parse(text) as { arches: Record<string, ArchModules> }).arches;
});

test("a supported driver's modules are all in Debian's kernel for that arch (built-ins count)", () => {
  for (const driver of catalog.drivers.values()) {
    for (const arch of ARCHES) {
      const present = new Set([...facts[arch]!.modules, ...facts[arch]!.builtin]);
      const missing = driverModules(driver, arch).filter((m) => !present.has(m));
      assert.deepEqual(missing, [], `driver ${driver.id} on ${arch}`);
    }
  }
});

test("an unsupported driver really lacks a module there", () => {
  for (const driver of catalog.drivers.values()) {
    for (const arch of ARCHES) {
      if (driver.arches[arch].supported) continue;
      const absent = new Set(facts[arch]!.absent);
      assert.ok(
        driver.modules.some((m) => absent.has(m)),
        `driver ${driver.id} claims no ${arch} support, yet all its modules exist`,
      );
    }
  }
});

test("the drivers the design names are there, with the reasons it names", () => {
  for (const id of [
    "virtio",
    "nvme",
    "ahci",
    "e1000",
    "e1000e",
    "usb",
    "genet",
    "k1-emac",
    "nvidia-open",
    "mbim",
  ]) {
    assert.ok(catalog.drivers.has(id), id);
  }
  const genet = catalog.drivers.get("genet")!;
  assert.deepEqual(
    ARCHES.filter((a) => genet.arches[a].supported),
    ["aarch64"],
  );
  for (const arch of ARCHES) {
    const k1 = catalog.drivers.get("k1-emac")!.arches[arch];
    assert.ok(!k1.supported && k1.reason.includes("newer than Debian's 6.12 kernel"), arch);
    const nv = catalog.drivers.get("nvidia-open")!.arches[arch];
    assert.ok(!nv.supported && nv.reason.includes("DKMS"), arch);
  }
  assert.ok(facts["x86_64"]!.builtin.includes("virtio_pci"), "virtio_pci is built in, not a .ko");
});

test("kernel package patterns pick the unsigned image and nothing else", () => {
  const linux = catalog.kernels.get("linux")!;
  const matches = (arch: "x86_64" | "aarch64" | "riscv64", name: string) =>
    new RegExp(linux.arches[arch]!.packagePattern).test(name);
  assert.ok(matches("x86_64", "linux-image-6.12.117+deb13-amd64-unsigned"));
  assert.ok(!matches("x86_64", "linux-image-6.12.117+deb13-amd64"), "signed");
  assert.ok(!matches("x86_64", "linux-image-6.12.117+deb13-cloud-amd64-unsigned"));
  assert.ok(!matches("x86_64", "linux-image-6.12.117+deb13-rt-amd64-unsigned"));
  assert.ok(!matches("x86_64", "linux-image-amd64"));
  assert.ok(matches("aarch64", "linux-image-6.12.117+deb13-arm64-unsigned"));
  assert.ok(!matches("aarch64", "linux-image-6.12.117+deb13-arm64-16k-unsigned"));
  assert.ok(matches("riscv64", "linux-image-6.12.107+deb13-riscv64"));
  assert.ok(!matches("riscv64", "linux-image-6.12.107+deb13-riscv64-dbg"));
  assert.deepEqual(imagePathsOf(linux.arches.riscv64!), ["boot/vmlinux-*", "usr/lib/modules/*/vmlinuz"]);
  assert.ok(matches("riscv64", "linux-image-7.2.13+deb14-riscv64"), "sid's name");
  assert.ok(!matches("riscv64", "linux-image-7.2.13+deb14-riscv64-dbg"));
  assert.ok(!matches("riscv64", "linux-binary-7.2.13+deb14-riscv64"), "a part, not the kernel");
  const xen = catalog.kernels.get("xen")!;
  assert.equal(xen.dom0, "linux");
  assert.deepEqual(Object.keys(xen.arches), ["x86_64"]);
  assert.ok(new RegExp(xen.arches.x86_64!.packagePattern).test("xen-hypervisor-4.20-amd64"));
});

test("the ports the design names are there", () => {
  const wanted = [
    "openssh-server",
    "nginx",
    "curl",
    "weston",
    "sway",
    "gnome-calculator",
    "kcalc",
    "konversation",
    "java",
    "python3",
    "modemmanager",
    "systemd-coredump",
    "htop",
    "vim",
    "git",
    "gdb",
    "busybox",
    "strace",
    "tmux",
    "iproute2",
    "nftables",
    "rsync",
    "less",
    "sudo",
    "bash-completion",
    "ca-certificates",
    "wget",
    "jq",
    "tcpdump",
    "chrony",
    "podman",
  ];
  assert.deepEqual(
    wanted.filter((id) => !catalog.ports.has(id)),
    [],
  );
  assert.deepEqual(catalog.ports.get("openssh-server")?.units?.enable, ["ssh.service"]);
});

test("default units: getty per arch, DHCP, SSH host keys with openssh, boot report, script runner", () => {
  const defaults = [...catalog.units.values()]
    .filter((u) => u.default)
    .map((u) => u.id)
    .sort();
  assert.deepEqual(defaults, ["boot-report", "networkd-dhcp", "script-runner", "serial-getty", "ssh-host-keys"]);
  assert.deepEqual(catalog.units.get("ssh-host-keys")?.requires?.packages, ["openssh-server"]);
});
