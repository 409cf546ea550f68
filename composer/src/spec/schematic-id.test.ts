import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import type { ImageSpecInput } from "./image-spec.ts";
import { normalizeSpec } from "./normalize.ts";
import { parseSpecText } from "./parse.ts";
import { canonicalSpecJson, schematicId } from "./schematic-id.ts";

const base: ImageSpecInput = {
  name: "perm",
  arch: "x86_64",
  drivers: ["virtio", "nvme", "ahci"],
  ports: ["nginx", "curl", "openssh-server"],
  packages: ["jq", "less"],
  units: { enable: ["b.service", "a.service"], disable: ["z.timer", "y.timer"] },
  boot: { cmdline: ["quiet", "loglevel=3"] },
  system: {
    users: [
      {
        name: "zed",
        groups: ["video", "audio"],
        sshAuthorizedKeys: ["ssh-ed25519 BBBB k2", "ssh-ed25519 AAAA k1"],
      },
      { name: "ada", groups: ["sudo"] },
    ],
  },
  outputs: ["uki", "disk"],
};

test("normalizeSpec sorts and de-duplicates the lists whose order means nothing", () => {
  const spec = normalizeSpec({
    ...base,
    drivers: ["virtio", "nvme", "virtio"],
    outputs: ["uki", "disk", "uki"],
  });
  assert.deepEqual(spec.drivers, ["nvme", "virtio"]);
  assert.deepEqual(spec.ports, ["curl", "nginx", "openssh-server"]);
  assert.deepEqual(spec.units, { enable: ["a.service", "b.service"], disable: ["y.timer", "z.timer"] });
  assert.deepEqual(spec.outputs, ["disk", "uki"]);
  assert.deepEqual(
    spec.system.users.map((u) => u.name),
    ["ada", "zed"],
  );
  assert.deepEqual(spec.system.users[1]?.groups, ["audio", "video"]);
  assert.deepEqual(spec.system.users[1]?.sshAuthorizedKeys, ["ssh-ed25519 AAAA k1", "ssh-ed25519 BBBB k2"]);
  assert.deepEqual(spec.boot.cmdline, ["quiet", "loglevel=3"]);
  assert.deepEqual(normalizeSpec(spec), spec, "normalizing twice changes nothing");
});

test("permuted and repeated list items give the same schematic ID", () => {
  const permuted: ImageSpecInput = {
    ...base,
    drivers: ["ahci", "virtio", "nvme", "ahci"],
    ports: ["openssh-server", "nginx", "curl"],
    packages: ["less", "jq", "jq"],
    units: { enable: ["a.service", "b.service"], disable: ["y.timer", "z.timer", "y.timer"] },
    system: {
      users: [
        { name: "ada", groups: ["sudo", "sudo"] },
        {
          name: "zed",
          groups: ["audio", "video"],
          sshAuthorizedKeys: ["ssh-ed25519 AAAA k1", "ssh-ed25519 BBBB k2"],
        },
      ],
    },
    outputs: ["disk", "uki"],
  };
  assert.equal(schematicId(permuted), schematicId(base));
});

test("writing a default out or leaving it gives the same ID", () => {
  const explicit: ImageSpecInput = {
    ...base,
    kernel: "linux",
    boot: { ...base.boot, protocol: "uefi", firmware: "uefi" },
  };
  assert.equal(schematicId(explicit), schematicId(base));
});

test("cmdline order, the name and any setting change the ID", () => {
  const id = schematicId(base);
  assert.notEqual(schematicId({ ...base, boot: { cmdline: ["loglevel=3", "quiet"] } }), id);
  assert.notEqual(schematicId({ ...base, name: "perm2" }), id);
  assert.notEqual(schematicId({ ...base, arch: "aarch64" }), id);
  assert.notEqual(schematicId({ ...base, drivers: ["virtio"] }), id);
});

test("the ID is the sha256 of RFC 8785 canonical JSON: sorted keys, no spaces", () => {
  const json = canonicalSpecJson({ name: "k", arch: "x86_64" });
  assert.ok(
    json.startsWith('{"arch":"x86_64","boot":{"cmdline":[],"firmware":"uefi","protocol":"uefi"},'),
    json,
  );
  assert.match(schematicId({ name: "k", arch: "x86_64" }), /^[0-9a-f]{64}$/);
});

test("golden schematic ID of examples/minimal.yaml", async () => {
  const file = new URL("../../../examples/minimal.yaml", import.meta.url);
  const spec = parseSpecText(await readFile(file, "utf8"), "examples/minimal.yaml");
  // Changing this means every published minimal image gets a new ID: do it on purpose only.
  assert.equal(schematicId(spec), "895cdd667738544e9b721090a416f9cdaeae494531c8e8455a94854a15255ff0");
});
