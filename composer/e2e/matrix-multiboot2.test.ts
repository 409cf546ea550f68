// The multiboot2 cells of the boot matrix, end to end: examples/xen.yaml (UEFI) and the same
// spec with BIOS firmware (and image.iso besides disk.img) are built rootless with the shared
// package cache, then booted under TCG: GRUB from Debian's packages starts Xen by multiboot2, Xen
// starts Debian's Linux as dom0, and dom0 reaches the schematic's marker and the login prompt on
// Xen's console. The BIOS ISO boots as a CD (cdboot.img + core.img from El Torito). The guests
// boot one after the other. A missing QEMU or firmware fails with the package to install.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { bootTest } from "../src/qemu/boot-test.ts";
import { guestFor } from "../src/qemu/firmware.ts";
import { runCli, sharedCache, userDir } from "./helpers.ts";

interface Manifest {
  schematicId: string;
  spec: { system: { hostname: string }; boot: { protocol: string; firmware: "uefi" | "bios" } };
  lock: { package: string; version: string; arch: string }[];
  artifacts: Record<string, unknown>;
}

const env = { BROKKR_CACHE_DIR: sharedCache() };
const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;

function partitions(disk: string): { start: number; size: number; type: string }[] {
  const t = JSON.parse(execFileSync("sfdisk", ["-J", disk], { encoding: "utf8" })) as {
    partitiontable: { partitions: { start: number; size: number; type: string }[] };
  };
  return t.partitiontable.partitions;
}

/** Every file on the ESP (first partition), recursively, via mtools. */
function espFiles(disk: string): string[] {
  const offset = partitions(disk)[0]!.start * 512;
  return execFileSync("mdir", ["-/", "-b", "-i", `${disk}@@${offset}`, "::/"], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l && !l.endsWith("/"))
    .map((l) => l.replace(/^::\//, ""));
}

function espRead(disk: string, path: string): string {
  const offset = partitions(disk)[0]!.start * 512;
  return execFileSync("mtype", ["-i", `${disk}@@${offset}`, `::/${path}`], { encoding: "utf8" });
}

async function build(file: string): Promise<{ out: string; manifest: Manifest }> {
  const out = userDir("brokkr-mb2-");
  const r = await runCli(["build", file, "--out", out], env);
  assert.equal(r.code, 0, `build of ${file} failed:\n${r.stderr}\n${r.stdout}`);
  return { out, manifest: readManifest(out) };
}

async function bootToLogin(out: string, m: Manifest, media: "disk" | "cdrom" = "disk") {
  const image = media === "cdrom" ? "image.iso" : "disk.img";
  const label = `${m.spec.boot.firmware} ${image}${media === "cdrom" ? " as a CD" : ""}`;
  const boot = () => bootTest({
    image: join(out, image),
    format: "raw",
    media,
    arch: "x86_64",
    firmware: m.spec.boot.firmware,
    ...guestFor("multiboot2"),
    // Xen and dom0 under TCG on a shared 2-core machine: 1.5–3 minutes.
    timeoutMs: 15 * 60_000,
    expect: [`BROKKR-BOOT-OK ${m.schematicId}`, `${m.spec.system.hostname} login:`],
    anyOrder: true,
    logFile: join(out, media === "cdrom" ? "boot-iso.log" : "boot.log"),
  });
  let run = await boot();
  // Seen once in CI on QEMU 7.2 TCG: dom0 took a spurious debug exception in its first 40 ms
  // (exc_debug_kernel, then a GP fault while unwinding) and Xen reset the machine; the same
  // image booted in every other run. One more boot for exactly that, said on stderr; a dom0
  // that crashes again fails the test.
  if (!run.ok && /exc_debug_kernel/.test(run.output) && /Hardware Dom0 crashed/.test(run.output)) {
    process.stderr.write(`# multiboot2 ${label}: dom0 crashed on a spurious debug exception under TCG; booting once more\n`);
    run = await boot();
  }
  assert.ok(run.ok, `${label}: ${run.error?.message}\n${run.command.join(" ")}\n${run.output.slice(-3000)}`);
  process.stderr.write(`# multiboot2 ${label} (${run.qemuVersion}): login after ${run.seconds.toFixed(1)} s\n`);
  return run;
}

describe("multiboot2: GRUB → Xen → Linux dom0, UEFI and BIOS", { timeout: 60 * 60_000 }, () => {
  let uefi: { out: string; manifest: Manifest };
  let bios: { out: string; manifest: Manifest };

  before(async () => {
    const biosSpec = join(userDir("brokkr-mb2-spec-"), "xen-bios.yaml");
    writeFileSync(
      biosSpec,
      readFileSync("examples/xen.yaml", "utf8")
        .replace("firmware: uefi", "firmware: bios")
        .replace("hostname: xen-host", "hostname: xen-bios")
        .replace(/^outputs: .*$/m, "outputs: [disk, iso]"),
    );
    [uefi, bios] = await Promise.all([build("examples/xen.yaml"), build(biosSpec)]);
  });

  test("the lock holds Xen and the firmware's GRUB packages (both for a BIOS ISO), the image no UKI", () => {
    const names = (m: Manifest) => m.lock.map((l) => l.package);
    for (const m of [uefi.manifest, bios.manifest]) {
      assert.ok(names(m).includes("xen-hypervisor-4.20-amd64"), "Debian's Xen is locked");
      assert.ok(names(m).some((n) => /^linux-image-.*-amd64-unsigned$/.test(n)), "dom0 is Debian's kernel");
    }
    assert.deepEqual(Object.keys(uefi.manifest.artifacts).sort(), ["disk.img", "sbom.spdx.json"]);
    assert.deepEqual(Object.keys(bios.manifest.artifacts).sort(), ["disk.img", "image.iso", "sbom.spdx.json"]);
    assert.ok(names(uefi.manifest).includes("grub-efi-amd64-unsigned") && names(uefi.manifest).includes("grub-efi-amd64-bin"));
    assert.ok(!names(uefi.manifest).includes("grub-pc-bin"));
    assert.ok(names(bios.manifest).includes("grub-pc-bin"));
    assert.ok(names(bios.manifest).includes("grub-efi-amd64-unsigned"), "the BIOS ISO boots on UEFI too");
  });

  test("UEFI: Debian's GRUB at the removable path, its config and multiboot2 module under /EFI/debian", () => {
    const disk = join(uefi.out, "disk.img");
    const files = espFiles(disk);
    for (const f of ["EFI/BOOT/BOOTX64.EFI", "EFI/debian/grub.cfg", "EFI/debian/x86_64-efi/multiboot2.mod", "xen", "vmlinuz", "initrd.img"]) {
      assert.ok(files.includes(f), `${f} on the ESP (has ${files.join(", ")})`);
    }
    const cfg = espRead(disk, "EFI/debian/grub.cfg");
    assert.match(cfg, /^multiboot2 \/xen console=com1 com1=115200,8n1 /m);
    assert.match(cfg, /^module2 \/vmlinuz console=hvc0 /m);
    assert.match(cfg, /^module2 \/initrd\.img$/m);
  });

  test("BIOS: boot.img in the MBR points at a core.img in the BIOS boot partition", () => {
    const disk = join(bios.out, "disk.img");
    const parts = partitions(disk);
    const biosBoot = parts.find((p) => p.type === "21686148-6449-6E6F-744E-656564454649");
    assert.ok(biosBoot, "a BIOS boot partition");
    const head = Buffer.alloc(512);
    const coreHead = Buffer.alloc(512);
    const fd = readFileSync(disk);
    fd.copy(head, 0, 0, 512);
    fd.copy(coreHead, 0, biosBoot.start * 512, biosBoot.start * 512 + 512);
    assert.equal(head.readBigUInt64LE(0x5c), BigInt(biosBoot.start), "stage 1 reads core.img's first sector");
    assert.equal(head.readUInt16LE(510), 0xaa55);
    assert.equal(coreHead.readBigUInt64LE(500), BigInt(biosBoot.start + 1), "diskboot's blocklist starts after it");
    const sectors = coreHead.readUInt16LE(508);
    assert.ok(sectors > 0 && (sectors + 1) * 512 <= biosBoot.size * 512, `core.img (${sectors + 1} sectors) fits its partition`);
    assert.ok(!espFiles(disk).some((f) => f.startsWith("EFI/")), "no EFI loader on a BIOS disk");
  });

  test("BIOS ISO: El Torito BIOS (cdboot.img + core.img) and UEFI (the ESP), hybrid MBR over the ESP", () => {
    const iso = join(bios.out, "image.iso");
    const report = execFileSync("xorriso", ["-indev", iso, "-report_el_torito", "plain", "-report_system_area", "plain", "-find", "/"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const entry = /El Torito boot img :\s+1\s+BIOS\s+y\s+none\s+0x0000\s+0x00\s+4\s+(\d+)/.exec(report);
    assert.ok(entry, report);
    assert.match(report, /El Torito img opts :\s+1\s+boot-info-table grub2-boot-info/);
    assert.match(report, /El Torito boot img :\s+2\s+UEFI\s+y\s+none/);
    assert.match(report, /'\/EFI\/DEBIAN\/GRUB\.CFG'/);
    const start = Number(/MBR partition +:\s+1\s+0x80\s+0xef\s+(\d+)/.exec(report)?.[1]);
    const files = execFileSync("mdir", ["-/", "-b", "-i", `${iso}@@${start * 512}`, "::/"], { encoding: "utf8" });
    for (const f of ["EFI/BOOT/BOOTX64.EFI", "EFI/debian/grub.cfg", "xen", "vmlinuz", "initrd.img"]) assert.match(files, new RegExp(`::/${f}\\n`));
    const mbr = readFileSync(iso).subarray(0, 512);
    assert.equal(mbr.readBigUInt64LE(0x5c), BigInt(Number(entry[1]) * 4 + 4), "boot.img loads the core inside the El Torito image");
  });

  test("UEFI boots Xen and dom0 to login", async () => {
    await bootToLogin(uefi.out, uefi.manifest);
    const log = readFileSync(join(uefi.out, "boot.log"), "latin1");
    assert.match(log, /Brokkr: loading Xen/, "GRUB ran our config");
    assert.match(log, /\(XEN\) Xen version 4\.20/, "Xen started");
    assert.match(log, /Booting kernel on Xen/, "Linux runs as dom0 on Xen");
  });

  test("BIOS boots Xen and dom0 to login", async () => {
    await bootToLogin(bios.out, bios.manifest);
    const log = readFileSync(join(bios.out, "boot.log"), "latin1");
    assert.match(log, /Brokkr: loading Xen/);
    assert.match(log, /\(XEN\) Xen version 4\.20/);
    assert.match(log, /Booting kernel on Xen/);
  });

  test("the BIOS ISO boots Xen and dom0 to login as a CD", async () => {
    await bootToLogin(bios.out, bios.manifest, "cdrom");
    const log = readFileSync(join(bios.out, "boot-iso.log"), "latin1");
    assert.match(log, /Brokkr: loading Xen/, "the El Torito core ran its config");
    assert.match(log, /\(XEN\) Xen version 4\.20/);
    assert.match(log, /Booting kernel on Xen/);
  });
});
