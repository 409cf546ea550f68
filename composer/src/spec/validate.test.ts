import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { before, test } from "node:test";
import { loadCatalog } from "../catalog/load.ts";
import type { Catalog } from "../catalog/models.ts";
import type { Problem } from "../errors.ts";
import { type ImageSpecInput, imageSpecSchema } from "./image-spec.ts";
import { parseSpecText } from "./parse.ts";
import { validateSpec } from "./validate.ts";

let catalog: Catalog;
before(async () => {
  catalog = await loadCatalog();
});

function check(input: Partial<ImageSpecInput>): Problem[] {
  return validateSpec(imageSpecSchema.parse({ name: "t", arch: "x86_64", ...input }), catalog);
}
function only(problems: Problem[]): Problem {
  assert.equal(problems.length, 1, JSON.stringify(problems, null, 2));
  return problems[0]!;
}

test("every example spec passes the cross-field rules", async () => {
  const dir = new URL("../../../examples/", import.meta.url);
  const files = (await readdir(dir)).filter((f) => f.endsWith(".yaml"));
  assert.ok(files.length >= 3);
  for (const f of files) {
    const spec = parseSpecText(await readFile(new URL(f, dir), "utf8"), f);
    assert.deepEqual(validateSpec(spec, catalog), [], f);
  }
});

test("multiboot2 is x86_64 only", () => {
  const p = only(check({ arch: "aarch64", boot: { protocol: "multiboot2" } }));
  assert.equal(p.path, "boot.protocol");
  assert.equal(p.message, "multiboot2 is defined only for x86_64; use uefi or limine on aarch64");
});

test("BIOS firmware is x86_64 only, and cannot start a UKI", () => {
  const arm = check({ arch: "riscv64", boot: { protocol: "limine", firmware: "bios" } });
  assert.equal(only(arm).path, "boot.firmware");
  assert.match(only(arm).message, /only on x86_64/);
  assert.match(
    only(check({ boot: { protocol: "uefi", firmware: "bios" } })).message,
    /BIOS firmware cannot start/,
  );
  assert.deepEqual(check({ boot: { protocol: "limine", firmware: "bios" } }), []);
});

test("the kernel must exist, exist for the arch and accept the protocol", () => {
  const unknown = only(check({ kernel: "linuz" }));
  assert.equal(unknown.path, "kernel");
  assert.equal(unknown.hint, "did you mean 'linux'?");

  const xenArm = only(check({ arch: "aarch64", kernel: "xen" }));
  assert.equal(xenArm.path, "kernel");
  assert.match(xenArm.message, /not available for aarch64 \(it is for 'x86_64'\)/);

  const linuxMb2 = only(check({ boot: { protocol: "multiboot2" } }));
  assert.equal(linuxMb2.path, "boot.protocol");
  assert.match(linuxMb2.message, /no multiboot2 entry point/);
});

test("limine + xen is refused with the reason", () => {
  const p = only(check({ kernel: "xen", boot: { protocol: "limine" } }));
  assert.equal(p.path, "boot.protocol");
  assert.equal(
    p.message,
    "Xen needs the EFI boot-services tag that Limine does not implement; use protocol multiboot2",
  );
  assert.deepEqual(check({ kernel: "xen", boot: { protocol: "multiboot2" } }), []);
});

test("drivers must exist and work on the arch, with the reason when not", () => {
  const typo = only(check({ drivers: ["virtio", "nvm"] }));
  assert.equal(typo.path, "drivers[1]");
  assert.match(typo.hint ?? "", /'nvme'/);

  const genet = only(check({ drivers: ["genet"] }));
  assert.equal(genet.path, "drivers[0]");
  assert.match(genet.message, /does not work on x86_64: GENET only exists inside Broadcom/);
  assert.equal(genet.hint, "it works on 'aarch64'");
  assert.deepEqual(check({ arch: "aarch64", drivers: ["genet"] }), []);

  const k1 = only(check({ arch: "riscv64", drivers: ["k1-emac"] }));
  assert.match(k1.message, /newer than Debian's 6\.12 kernel/);
  assert.match(k1.hint ?? "", /no architecture/);

  assert.match(only(check({ drivers: ["nvidia-open"] })).message, /DKMS/);
});

test("firmware drivers need the non-free-firmware component", () => {
  const p = only(check({ drivers: ["iwlwifi"] }));
  assert.equal(p.hint, "add non-free-firmware to debian.components");
  assert.deepEqual(
    check({ drivers: ["iwlwifi"], debian: { components: ["main", "non-free-firmware"] } }),
    [],
  );
});

test("ports must exist and exist for the arch", () => {
  const p = only(check({ ports: ["nginx", "ngnix"] }));
  assert.equal(p.path, "ports[1]");
  assert.match(p.hint ?? "", /'nginx'/);

  const narrowed: Catalog = { ...catalog, ports: new Map(catalog.ports) };
  narrowed.ports.set("amd-only", {
    id: "amd-only",
    category: "t",
    description: "t",
    packages: ["t1"],
    arches: ["x86_64"],
  });
  const arch = only(
    validateSpec(imageSpecSchema.parse({ name: "t", arch: "aarch64", ports: ["amd-only"] }), narrowed),
  );
  assert.match(arch.message, /not available for aarch64/);
  assert.equal(arch.hint, "it is available for 'x86_64'");
});

test("units are catalog ids or unit names, and not enabled and disabled at once", () => {
  assert.deepEqual(
    check({ units: { enable: ["boot-report", "nginx.service", "serial-getty@ttyS1.service"] } }),
    [],
  );
  const bad = only(check({ units: { enable: ["boot-reprot"] } }));
  assert.equal(bad.path, "units.enable[0]");
  assert.equal(bad.hint, "did you mean 'boot-report'?");
  const both = only(check({ units: { enable: ["a.service"], disable: ["x.timer", "a.service"] } }));
  assert.equal(both.path, "units.disable[1]");
  assert.match(both.message, /both enabled and disabled/);
});

test("users: no root, no duplicates", () => {
  const root = only(check({ system: { users: [{ name: "root" }] } }));
  assert.equal(root.path, "system.users[0].name");
  const dup = only(check({ system: { users: [{ name: "a" }, { name: "b" }, { name: "a" }] } }));
  assert.equal(dup.path, "system.users[2].name");
});

test("outputs: no UKI of a hypervisor, no PXE with a root partition", () => {
  const uki = only(check({ kernel: "xen", boot: { protocol: "multiboot2" }, outputs: ["disk", "uki"] }));
  assert.equal(uki.path, "outputs[1]");
  const pxe = only(check({ rootfs: { layout: "partition" }, outputs: ["pxe"] }));
  assert.equal(pxe.path, "outputs[0]");
});
