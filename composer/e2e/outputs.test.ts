// The iso and qcow2 outputs, end to end: build examples/minimal.yaml with
// `outputs: [disk, iso, qcow2]` rootless with the shared package cache, check both artifacts
// with tools that are not ours (xorriso, sfdisk, mtools, qemu-img), then boot image.iso as a
// CD-ROM (OVMF, El Torito) and disk.qcow2 as a disk, each to the schematic's marker and the
// login prompt; then image.iso once more as a plain disk, as when written to a USB stick, with
// its El Torito record blanked so the MBR partition alone must lead to the ESP. The first two
// guests run side by side: never more than two at once.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, copyFileSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { parse, stringify } from "yaml";
import { attachmentOf, bootTest } from "../src/qemu/boot-test.ts";
import { repo, runCli, sharedCache, userDir } from "./helpers.ts";

interface Manifest {
  schematicId: string;
  spec: { system: { hostname: string } };
  artifacts: Record<string, { sha256: string; size: number }>;
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("iso and qcow2 outputs, end to end", { timeout: 30 * 60_000 }, () => {
  const env = { BROKKR_CACHE_DIR: sharedCache() };
  const out = userDir("brokkr-outputs-");
  let m: Manifest;

  before(async () => {
    const work = userDir("brokkr-outputs-spec-");
    const spec = parse(readFileSync(join(repo, "examples/minimal.yaml"), "utf8"));
    spec.name = "minimal-outputs";
    spec.outputs = ["disk", "iso", "qcow2"];
    const specFile = join(work, "spec.yaml");
    writeFileSync(specFile, stringify(spec));
    const r = await runCli(["build", specFile, "--out", out], env);
    assert.equal(r.code, 0, `build failed:\n${r.stderr}\n${r.stdout}`);
    m = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest;
  });

  test("the manifest lists disk.img, image.iso, disk.qcow2 and the SBOM with their hashes, and nothing else", () => {
    assert.deepEqual(Object.keys(m.artifacts).sort(), ["disk.img", "disk.qcow2", "image.iso", "sbom.spdx.json"]);
    for (const [name, a] of Object.entries(m.artifacts)) assert.equal(sha256(join(out, name)), a.sha256, name);
  });

  test("image.iso: a UEFI El Torito entry and an MBR 0xEF partition over an ESP holding the UKI", () => {
    const iso = join(out, "image.iso");
    const report = execFileSync("xorriso", ["-indev", iso, "-report_el_torito", "plain", "-report_system_area", "plain"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    assert.match(report, /El Torito boot img :\s+1\s+UEFI\s+y\s+none/);
    assert.match(report, /MBR partition path :\s+1\s+\/EFIBOOT\.IMG/);
    const table = JSON.parse(execFileSync("sfdisk", ["--json", iso], { encoding: "utf8" }));
    const parts = table.partitiontable.partitions as { start: number; size: number; type: string }[];
    assert.equal(parts.length, 1);
    assert.equal(parts[0]!.type, "ef");
    const listing = execFileSync("mdir", ["-b", "-i", `${iso}@@${parts[0]!.start * 512}`, "::/EFI/BOOT"], {
      encoding: "utf8",
      env: { ...process.env, MTOOLS_SKIP_CHECK: "1" },
    });
    assert.match(listing, /BOOTX64\.EFI/);
  });

  test("disk.qcow2: qemu-img finds no errors and the same contents as disk.img", () => {
    const qcow2 = join(out, "disk.qcow2");
    const check = spawnSync("qemu-img", ["check", qcow2], { encoding: "utf8" });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const cmp = spawnSync("qemu-img", ["compare", "-f", "raw", "-F", "qcow2", join(out, "disk.img"), qcow2], { encoding: "utf8" });
    assert.equal(cmp.status, 0, cmp.stdout + cmp.stderr);
  });

  test("image.iso (as a CD-ROM) and disk.qcow2 each boot to the marker and the login prompt", async () => {
    const boot = async (name: string) => {
      const image = join(out, name);
      const run = await bootTest({
        image,
        ...attachmentOf(image),
        arch: "x86_64",
        firmware: "uefi",
        timeoutMs: 10 * 60_000,
        expect: [`BROKKR-BOOT-OK ${m.schematicId}`, `${m.spec.system.hostname} login:`],
        anyOrder: true, // the getty may print its prompt before the boot report unit runs
        logFile: join(out, `boot-${name}.log`),
      });
      assert.ok(run.ok, `${name}: ${run.error?.message}\n${run.command.join(" ")}\n${run.output.slice(-3000)}`);
      process.stderr.write(`# ${name}: login after ${run.seconds.toFixed(1)} s\n`);
    };
    await Promise.all([boot("image.iso"), boot("disk.qcow2")]);
  });

  test("image.iso written to a disk, as to a USB stick, boots through its MBR partition alone", async () => {
    // OVMF also finds El Torito on a 512-byte disk; blank the boot record in a copy, so that
    // only the MBR's 0xEF partition can lead the firmware to the ESP, as on most real firmware.
    const usb = join(out, "usb.img");
    copyFileSync(join(out, "image.iso"), usb);
    const fd = openSync(usb, "r+");
    writeSync(fd, Buffer.alloc(2048), 0, 2048, 17 * 2048);
    closeSync(fd);
    const run = await bootTest({
      image: usb,
      format: "raw",
      media: "disk",
      arch: "x86_64",
      firmware: "uefi",
      timeoutMs: 10 * 60_000,
      expect: [`BROKKR-BOOT-OK ${m.schematicId}`, `${m.spec.system.hostname} login:`],
      anyOrder: true,
      logFile: join(out, "boot-usb.log"),
    });
    assert.ok(run.ok, `${run.error?.message}\n${run.command.join(" ")}\n${run.output.slice(-3000)}`);
    process.stderr.write(`# image.iso as a disk: login after ${run.seconds.toFixed(1)} s\n`);
  });
});
