import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { guestFor } from "../qemu/firmware.ts";
import { getSettings, rereadSettings } from "../settings/index.ts";
import { PROTOCOLS } from "../terms/patterns.ts";
import { loadAssembler } from "./assemble.ts";
import { chainAvailability } from "./availability.ts";
import { bootChains, chainFor } from "./registry.ts";

test("one chain per protocol, each with an assembler that writes a disk and an ISO", async () => {
  assert.deepEqual(bootChains.map((c) => c.protocol).sort(), [...PROTOCOLS].sort());
  for (const chain of bootChains) {
    assert.equal(chainFor(chain.protocol), chain);
    const a = await loadAssembler(chain);
    assert.equal(typeof a.writeDisk, "function", chain.folder);
    assert.equal(typeof a.isoOptions, "function", chain.folder);
  }
});

test("QEMU's guest settings come from the chain: Xen's dom0 needs 2 GiB and no SMAP", () => {
  assert.deepEqual(guestFor("multiboot2"), { cpu: "max,-smap", memoryMiB: 2048 });
  assert.deepEqual(guestFor("uefi"), {});
  assert.deepEqual(guestFor("limine"), {});
});

test("availability: Limine is unavailable without its files, with the directory named", async () => {
  // Put back what the settings had (the environment is read through them only).
  const saved = { dir: getSettings().limineDir, url: getSettings().limineUrl };
  const empty = mkdtempSync(join(tmpdir(), "brokkr-limine-"));
  try {
    delete process.env["BROKKR_LIMINE_URL"];
    process.env["BROKKR_LIMINE_DIR"] = join(empty, "absent");
    rereadSettings();
    const status = await chainAvailability();
    assert.deepEqual(status.find((s) => s.protocol === "uefi"), { protocol: "uefi", buildable: true });
    const limine = status.find((s) => s.protocol === "limine");
    assert.ok(limine && !limine.buildable && limine.reason.includes(join(empty, "absent")), JSON.stringify(limine));
    process.env["BROKKR_LIMINE_DIR"] = empty;
    rereadSettings();
    assert.deepEqual((await chainAvailability()).find((s) => s.protocol === "limine"), { protocol: "limine", buildable: true });
  } finally {
    process.env["BROKKR_LIMINE_DIR"] = saved.dir;
    if (saved.url === undefined) delete process.env["BROKKR_LIMINE_URL"];
    else process.env["BROKKR_LIMINE_URL"] = saved.url;
    rereadSettings();
    rmSync(empty, { recursive: true, force: true });
  }
});
