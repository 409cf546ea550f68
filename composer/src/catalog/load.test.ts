import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { BrokkrError } from "../errors.ts";
import { loadCatalog } from "./load.ts";
import { driverModules, unitsToEnable } from "./models.ts";

test("the repository's catalog loads, ids from file names, categories from folders", async () => {
  const catalog = await loadCatalog();
  assert.deepEqual([...catalog.kernels.keys()].sort(), ["linux", "xen"]);
  assert.ok(catalog.ports.size >= 30, `${catalog.ports.size} ports`);
  assert.equal(catalog.ports.get("openssh-server")?.category, "net");
  assert.equal(catalog.ports.get("java")?.category, "lang");
  assert.deepEqual(
    catalog.ports.get("vim")?.arches,
    ["x86_64", "aarch64", "riscv64"],
    "arches default to all three",
  );
  assert.equal(catalog.drivers.get("virtio")?.id, "virtio");
  assert.deepEqual(catalog.drivers.get("nvme")?.firmwarePackages, [], "firmwarePackages defaults to []");
  assert.ok(catalog.units.get("boot-report")?.dir.endsWith("systemd-units/boot-report"));
});

test("per-arch helpers: driver modules and units to enable", async () => {
  const catalog = await loadCatalog();
  const usb = catalog.drivers.get("usb")!;
  assert.ok(driverModules(usb, "aarch64").includes("xhci_plat_hcd"));
  assert.ok(!driverModules(usb, "x86_64").includes("xhci_plat_hcd"));
  assert.deepEqual(driverModules(catalog.drivers.get("genet")!, "x86_64"), []);
  const getty = catalog.units.get("serial-getty")!;
  assert.deepEqual(unitsToEnable(getty, "aarch64"), ["serial-getty@ttyAMA0.service"]);
  assert.deepEqual(unitsToEnable(getty, "x86_64"), ["serial-getty@ttyS0.service"]);
});

async function withCatalog(
  files: Record<string, string>,
  fn: (root: string) => Promise<void>,
): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "brokkr-catalog-"));
  try {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function problemsOf(root: string) {
  try {
    await loadCatalog(root);
  } catch (err) {
    assert.ok(err instanceof BrokkrError);
    assert.equal(err.code, "catalog.invalid");
    return err.problems.map((p) => `${p.path} ${p.message}`);
  }
  assert.fail("expected catalog.invalid");
}

const goodDriver =
  "description: d\nhardware: h\nmodules: [m]\narches:\n  x86_64: {supported: true}\n  aarch64: {supported: true}\n  riscv64: {supported: true}\n";

test("a bad file is reported with its file and field, all files at once", async () => {
  await withCatalog(
    {
      "drivers/ok.yaml": goodDriver,
      "drivers/bad.yaml": goodDriver.replace("riscv64: {supported: true}", "riscv64: {supported: false}"),
      "ports/net/p.yaml": "description: d\npackages: [pp]\nsize: 3\n",
      "ports/net/q.yaml": "description: d\npackages: [q\n",
      "kernel/k.yaml":
        "description: d\narches:\n  x86_64: {packagePattern: '^k$', imagePath: boot/k, protocols: [bios]}\n",
    },
    async (root) => {
      const problems = await problemsOf(root);
      assert.equal(problems.length, 4, problems.join("\n"));
      assert.ok(problems.includes("drivers/bad.yaml:arches.riscv64.reason is required"), problems.join("\n"));
      assert.ok(
        problems.some((p) =>
          p.startsWith(
            "ports/net/p.yaml:size unknown field 'size' (allowed: description, packages, arches, units)",
          ),
        ),
      );
      assert.ok(
        problems.some((p) => /^ports\/net\/q\.yaml:\d+:\d+ /.test(p)),
        "YAML errors carry line and column",
      );
      assert.ok(
        problems.some((p) => p.startsWith("kernel/k.yaml:arches.x86_64.protocols[0] must be one of")),
      );
    },
  );
});

test("port ids are unique across categories", async () => {
  await withCatalog(
    {
      "ports/a/dup.yaml": "description: d\npackages: [x1]\n",
      "ports/b/dup.yaml": "description: d\npackages: [x2]\n",
    },
    async (root) => {
      const [p] = await problemsOf(root);
      assert.match(p ?? "", /^ports\/b\/dup\.yaml port id 'dup' is also used by ports\/a\/dup\.yaml/);
    },
  );
});

test("a unit's files must sit beside it; a dom0 must exist; ids must be valid", async () => {
  await withCatalog(
    {
      "systemd-units/u/unit.yaml":
        "description: d\nfiles:\n  - {path: missing.service, install: /etc/systemd/system/missing.service}\n",
      "kernel/hv.yaml":
        "description: d\ndom0: nope\narches:\n  x86_64: {packagePattern: '^hv$', imagePath: boot/hv, protocols: [multiboot2]}\n",
      "drivers/Bad_Name.yaml": goodDriver,
    },
    async (root) => {
      const problems = await problemsOf(root);
      assert.deepEqual(problems.sort(), [
        "drivers/Bad_Name.yaml 'Bad_Name' is not a valid id (lowercase letters, digits and '-')",
        "kernel/hv.yaml:dom0 no kernel/nope.yaml",
        "systemd-units/u/unit.yaml:files[0].path 'missing.service' is not in systemd-units/u/",
      ]);
    },
  );
});

test("an empty root is an empty catalog", async () => {
  await withCatalog({}, async (root) => {
    const catalog = await loadCatalog(root);
    assert.equal(catalog.ports.size + catalog.drivers.size + catalog.kernels.size + catalog.units.size, 0);
  });
});
