import assert from "node:assert/strict";
import { test } from "node:test";
import { loadCatalog } from "@brokkr/composer";
import { parseSpecValue } from "@brokkr/composer";
import { toCatalog, toCatalogData } from "../data/catalog-data.ts";
import { checkInBrowser, pointerToPath, schemaProblems } from "./check-spec.ts";
import { whyNotDriver, whyNotFirmware, whyNotKernel, whyNotOutput, whyNotProtocol } from "./choices.ts";
import { splitCmdline } from "./cmdline.ts";
import { estimateSize } from "./estimate-size.ts";

// The browser gets the catalog as JSON: check the rules against that copy, not the original.
const catalog = toCatalog(JSON.parse(JSON.stringify(toCatalogData(await loadCatalog()))));

test("JSON pointers become the composer's paths", () => {
  assert.equal(pointerToPath("/system/users/0/name"), "system.users[0].name");
  assert.equal(pointerToPath(""), "");
  assert.equal(pointerToPath("/a~1b"), "a/b");
});

test("a valid spec passes both ajv and the composer's rules", () => {
  const result = checkInBrowser({ name: "a", arch: "x86_64", ports: ["nginx"] }, catalog);
  assert.deepEqual(result.problems, []);
  assert.equal(result.spec?.ports[0], "nginx");
});

test("schema and cross-field problems come together, worded by the composer, once per field", () => {
  const result = checkInBrowser(
    { name: "a", arch: "aarch64", boot: { protocol: "multiboot2" }, system: { hostname: "-x-" }, colour: 1 },
    catalog,
  );
  assert.equal(result.spec, undefined);
  const paths = result.problems.map((p) => p.path).sort();
  assert.deepEqual(paths, ["boot.protocol", "colour", "system.hostname"]);
  assert.match(result.problems.find((p) => p.path === "system.hostname")!.message, /RFC 1123/);
});

test("ajv judges the spec by schemas/image-spec.schema.json", () => {
  assert.deepEqual(schemaProblems({ name: "a", arch: "x86_64" }), []);
  const problems = schemaProblems({
    name: "a",
    arch: "x86_64",
    colour: 1,
    system: { users: [{ name: "Bad!" }] },
  });
  assert.deepEqual(problems.map((p) => p.path).sort(), ["colour", "system.users[0].name"]);
});

test("a problem both ajv and zod find is listed once, in zod's words", () => {
  const result = checkInBrowser({ name: "a" }, catalog);
  const arch = result.problems.filter((p) => p.path === "arch");
  assert.equal(arch.length, 1);
  assert.match(arch[0]?.message ?? "", /^must be one of 'x86_64'/);
});

test("reasons for disabled choices are the composer's messages", () => {
  const arm = parseSpecValue({ name: "a", arch: "aarch64" });
  assert.match(whyNotProtocol(arm, catalog, "multiboot2") ?? "", /multiboot2 is defined only for x86_64/);
  assert.equal(whyNotProtocol(arm, catalog, "limine"), undefined);
  assert.match(whyNotFirmware(arm, catalog, "bios") ?? "", /only on x86_64/);
  assert.match(whyNotKernel(arm, catalog, "xen") ?? "", /not available for aarch64/);
  assert.match(whyNotDriver(catalog, "nvidia-open", "x86_64") ?? "", /DKMS/);
  assert.equal(whyNotDriver(catalog, "virtio", "riscv64"), undefined);
  const xen = parseSpecValue({ name: "a", arch: "x86_64", kernel: "xen", boot: { protocol: "multiboot2" } });
  assert.match(whyNotProtocol(xen, catalog, "limine") ?? "", /Limine does not implement/);
  assert.match(whyNotOutput(xen, catalog, "uki") ?? "", /cannot carry the hypervisor/);
});

test("kernel arguments split on spaces outside quotes", () => {
  assert.deepEqual(splitCmdline(' quiet  dyndbg="file x.c +p" loglevel=3 '), [
    "quiet",
    'dyndbg="file x.c +p"',
    "loglevel=3",
  ]);
});

test("the size estimate grows with ports and is near the measured minimal image", () => {
  const minimal = estimateSize(
    parseSpecValue({ name: "a", arch: "x86_64", ports: ["openssh-server"] }),
    catalog,
  );
  assert.ok(minimal.totalMB >= 45 && minimal.totalMB <= 60, String(minimal.totalMB));
  const desktop = estimateSize(
    parseSpecValue({ name: "a", arch: "x86_64", ports: ["openssh-server", "firefox-esr", "sway"] }),
    catalog,
  );
  assert.ok(desktop.totalMB > minimal.totalMB + 100);
  assert.equal(desktop.packages, 6);
});
