// The Limine cells of the boot matrix, end to end: x86_64 UEFI (OVMF), x86_64 BIOS (SeaBIOS:
// stage 1 in the MBR, stage 2 in the BIOS boot partition), aarch64 UEFI (AAVMF) and riscv64 UEFI,
// each built rootless from the example specs with `boot.protocol: limine`, then booted under TCG
// to the schematic's marker and the login prompt, one guest at a time; and the x86_64 image.iso
// (El Torito BIOS + UEFI, hybrid) booted as a CD and as a disk under both firmwares.
// Limine is in no registry reachable here: its files come from BROKKR_LIMINE_DIR (default
// /usr/share/limine). Without them every test skips, saying why — the one allowed skip.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, copyFileSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { detectLimineVersion } from "../src/boot/limine.ts";
import { bootTest } from "../src/qemu/boot-test.ts";
import { getSettings } from "../src/settings/index.ts";
import { repo, runCli, sharedCache, userDir } from "./helpers.ts";

type Arch = "x86_64" | "aarch64" | "riscv64";
interface Manifest {
  schematicId: string;
  spec: { arch: Arch; boot: { firmware: "uefi" | "bios" }; system: { hostname: string } };
}

const limineDir = getSettings().limineDir;
const skipReason = existsSync(join(limineDir, "BOOTX64.EFI"))
  ? undefined
  : `no Limine files in ${limineDir}: set BROKKR_LIMINE_DIR to a Limine binary release (Limine is in no registry reachable here)`;
const isoSkipReason =
  skipReason ??
  (existsSync(join(limineDir, "limine-bios-cd.bin")) ? undefined : `no limine-bios-cd.bin in ${limineDir}: a BIOS ISO needs the whole Limine binary release`);
const limineVersion = skipReason ? "" : detectLimineVersion(readFileSync(join(limineDir, "BOOTX64.EFI"))).text;
const env = { BROKKR_CACHE_DIR: sharedCache(), BROKKR_LIMINE_DIR: limineDir };

/** An example spec turned into its Limine variant, written where the build user can read it. */
function limineSpec(example: string, firmware: "uefi" | "bios", outputs?: string): string {
  let text = readFileSync(join(repo, "examples", example), "utf8").replace(/protocol: uefi/, "protocol: limine");
  text = /firmware:/.test(text) ? text.replace(/firmware: \w+/, `firmware: ${firmware}`) : text.replace(/protocol: limine/, `protocol: limine\n  firmware: ${firmware}`);
  text = text.replace(/^name: (.*)$/m, `name: $1-limine-${firmware}${outputs ? "-iso" : ""}`);
  if (outputs) text = text.replace(/^outputs: .*$/m, `outputs: ${outputs}`);
  const path = join(userDir("brokkr-limine-spec-"), example);
  writeFileSync(path, text, { mode: 0o644 });
  return path;
}

async function buildLimine(example: string, firmware: "uefi" | "bios", outputs?: string): Promise<{ out: string; m: Manifest }> {
  const out = userDir("brokkr-limine-");
  const r = await runCli(["build", limineSpec(example, firmware, outputs), "--out", out], env);
  assert.equal(r.code, 0, `build of ${example} (limine, ${firmware}) failed:\n${r.stderr}\n${r.stdout}`);
  return { out, m: JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest };
}

/** Boots `image` to the marker and the login prompt, through Limine. */
async function bootLimine(
  built: { out: string; m: Manifest },
  how: { image: string; firmware: "uefi" | "bios"; media: "disk" | "cdrom"; label: string },
): Promise<string> {
  const { out, m } = built;
  const run = await bootTest({
    image: how.image,
    format: "raw",
    media: how.media,
    arch: m.spec.arch,
    firmware: how.firmware,
    timeoutMs: 15 * 60_000,
    expect: [`BROKKR-BOOT-OK ${m.schematicId}`, `${m.spec.system.hostname} login:`],
    anyOrder: true, // the getty may print its prompt before the boot report unit runs
    logFile: join(out, `boot-${how.label.replace(/\W+/g, "-")}.log`),
  });
  assert.ok(run.ok, `${how.label}: ${run.error?.message}\n${run.command.join(" ")}\n${run.output.slice(-3000)}`);
  // Limine's own message before the kernel's: the image really went through Limine.
  // (Under U-Boot's UEFI console each character comes with its own cursor escape.)
  const text = run.output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
  // Limine wrote these lines; under load the emulated UART can drop a byte of firmware output
  // (seen: "Loading kerne `boot():/vmlinuz`"), so either line will do.
  assert.match(text, /linux: Loading kernel `boot\(\):\/vmlinuz`|linux: Loading module `boot\(\):\/initrd\.img`/);
  process.stderr.write(`# limine ${limineVersion} ${how.label} (${run.qemuVersion}): login after ${run.seconds.toFixed(1)} s\n`);
  return run.output;
}

async function buildAndBoot(example: string, firmware: "uefi" | "bios"): Promise<string> {
  const built = await buildLimine(example, firmware);
  const image = join(built.out, "disk.img");
  return bootLimine(built, { image, firmware, media: "disk", label: `${built.m.spec.arch} ${firmware}` });
}

describe(`Limine ${limineVersion || "(absent)"} on every arch, end to end`, { timeout: 60 * 60_000 }, () => {
  test("x86_64 UEFI (OVMF → Limine → linux) boots to the marker and the login prompt", async (t) => {
    if (skipReason) return t.skip(skipReason);
    await buildAndBoot("minimal.yaml", "uefi");
  });

  test("x86_64 BIOS (SeaBIOS → MBR stage 1 → stage 2 → linux) boots to the marker and the login prompt", async (t) => {
    if (skipReason) return t.skip(skipReason);
    await buildAndBoot("minimal.yaml", "bios");
  });

  test("aarch64 UEFI (AAVMF → Limine → linux) boots to the marker and the login prompt", async (t) => {
    if (skipReason) return t.skip(skipReason);
    await buildAndBoot("aarch64.yaml", "uefi");
  });

  // On QEMU 7.2 this is OpenSBI + U-Boot 2023.01's UEFI (boot.scr starts Limine), on QEMU 8+ EDK2.
  // Under TCG udev takes about a minute to announce ttyS0: systemd.default_device_timeout_sec=300
  // keeps serial-getty waiting for it (the 90 s default can run out on a busy host: no login prompt).
  test("riscv64 UEFI (U-Boot or EDK2 → Limine → linux) boots to the marker and the login prompt", async (t) => {
    if (skipReason) return t.skip(skipReason);
    await buildAndBoot("riscv64.yaml", "uefi");
  });

  // image.iso with boot.firmware bios: El Torito BIOS (limine-bios-cd.bin) and UEFI (the ESP),
  // hybrid. One build, four boots: as a CD under SeaBIOS and OVMF, and written to a disk (as to
  // a USB stick) under SeaBIOS (Limine's stage 1 in the MBR) and OVMF (the MBR's 0xEF partition).
  describe("x86_64 image.iso (limine, bios firmware)", () => {
    let built: { out: string; m: Manifest } | undefined;
    const iso = async () => {
      built ??= await buildLimine("minimal.yaml", "bios", "[iso]");
      return { built, image: join(built.out, "image.iso") };
    };

    test("xorriso sees a BIOS no-emulation entry with a boot info table and a UEFI entry", async (t) => {
      if (isoSkipReason) return t.skip(isoSkipReason);
      const { built: b, image } = await iso();
      assert.deepEqual(Object.keys((JSON.parse(readFileSync(join(b.out, "manifest.json"), "utf8")) as { artifacts: object }).artifacts), ["image.iso"]);
      const report = execFileSync("xorriso", ["-indev", image, "-report_el_torito", "plain", "-report_system_area", "plain"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      assert.match(report, /El Torito boot img :\s+1\s+BIOS\s+y\s+none\s+0x0000\s+0x00\s+4\s+\d+/);
      assert.match(report, /El Torito img opts :\s+1\s+boot-info-table/);
      assert.match(report, /El Torito boot img :\s+2\s+UEFI\s+y\s+none/);
      assert.match(report, /MBR partition path :\s+1\s+\/EFIBOOT\.IMG/);
    });

    test("as a CD-ROM under SeaBIOS (El Torito → limine-bios-cd.bin) boots to the marker and the login prompt", async (t) => {
      if (isoSkipReason) return t.skip(isoSkipReason);
      const { built: b, image } = await iso();
      await bootLimine(b, { image, firmware: "bios", media: "cdrom", label: "x86_64 image.iso CD BIOS" });
    });

    test("as a CD-ROM under OVMF (El Torito → ESP → Limine) boots to the marker and the login prompt", async (t) => {
      if (isoSkipReason) return t.skip(isoSkipReason);
      const { built: b, image } = await iso();
      await bootLimine(b, { image, firmware: "uefi", media: "cdrom", label: "x86_64 image.iso CD UEFI" });
    });

    test("as a disk under SeaBIOS (MBR stage 1 → stage 2 in the system area) boots to the marker and the login prompt", async (t) => {
      if (isoSkipReason) return t.skip(isoSkipReason);
      const { built: b, image } = await iso();
      await bootLimine(b, { image, firmware: "bios", media: "disk", label: "x86_64 image.iso disk BIOS" });
    });

    test("as a disk under OVMF, its El Torito record blanked, boots through the MBR partition alone", async (t) => {
      if (isoSkipReason) return t.skip(isoSkipReason);
      const { built: b, image } = await iso();
      // OVMF also finds El Torito on a disk; without it only the 0xEF partition leads to the ESP.
      const usb = join(b.out, "usb.img");
      copyFileSync(image, usb);
      const fd = openSync(usb, "r+");
      writeSync(fd, Buffer.alloc(2048), 0, 2048, 17 * 2048);
      closeSync(fd);
      await bootLimine(b, { image: usb, firmware: "uefi", media: "disk", label: "x86_64 image.iso disk UEFI" });
    });
  });
});
