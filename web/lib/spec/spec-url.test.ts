import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { parseSpecText } from "@brokkr/composer";
import { schematicId } from "@brokkr/composer";
import { addToSpecParam, decodeSpecParam, encodeSpecParam, withoutSecrets } from "./spec-url.ts";

const root = join(import.meta.dirname, "../../..");
const HASH = "$y$j9T$abcdefghijklmnop$0123456789012345678901234567890123456789012";

test("every example survives the URL with the same schematic ID", async () => {
  for (const name of ["minimal", "webserver", "aarch64", "xen"]) {
    const spec = parseSpecText(await readFile(join(root, "examples", `${name}.yaml`), "utf8"), name);
    const back = decodeSpecParam(encodeSpecParam(spec));
    assert.ok(back, name);
    assert.equal(schematicId(back), schematicId(withoutSecrets(spec)), name);
  }
});

test("password hashes never go into the URL", () => {
  const spec = parseSpecText("name: a\narch: x86_64\nsystem:\n  users: [{name: bob}]\n", "t");
  spec.system.rootPassword = HASH;
  spec.system.users[0]!.passwordHash = HASH;
  const param = encodeSpecParam(spec);
  assert.doesNotMatch(atob(param.replaceAll("-", "+").replaceAll("_", "/")), /\$y\$/);
  const back = decodeSpecParam(param)!;
  assert.equal(back.system.rootPassword, null);
  assert.equal(back.system.users[0]!.passwordHash, null);
  assert.equal(back.system.users[0]!.name, "bob");
});

test("values being typed (invalid ones too, emoji included) come back as typed", () => {
  const spec = parseSpecText("name: a\narch: x86_64\n", "t");
  const typed = { ...spec, name: "My Image 🦀", system: { ...spec.system, hostname: "-x" } };
  const back = decodeSpecParam(encodeSpecParam(typed))!;
  assert.equal(back.name, "My Image 🦀");
  assert.equal(back.system.hostname, "-x");
});

test("a hand-made or broken parameter never throws; wrong shapes fall back to defaults", () => {
  for (const bad of ["", "!!", "e30", "bnVsbA", "W10", "a".repeat(70_000), "%%%"]) {
    const back = decodeSpecParam(bad);
    assert.ok(back === undefined || typeof back.name === "string", bad);
  }
  const json = JSON.stringify({ name: 5, arch: "x86_64", ports: [1, "nginx"], system: { users: [7, { shell: 3 }] } });
  const back = decodeSpecParam(btoa(json).replace(/=+$/, ""))!;
  assert.equal(back.name, "my-image");
  assert.deepEqual(back.ports, ["nginx"]);
  assert.deepEqual(back.system.users, [{ name: "", groups: [], sshAuthorizedKeys: [], passwordHash: null, shell: "/bin/bash" }]);
  assert.deepEqual(back.outputs, ["disk"]);
});

test("Add to image: one more port on the last form, or on the default one", () => {
  const spec = parseSpecText("name: a\narch: aarch64\nports: [curl]\n", "t");
  const added = decodeSpecParam(addToSpecParam(encodeSpecParam(spec), spec, "ports", "nginx"))!;
  assert.deepEqual(added.ports, ["curl", "nginx"]);
  assert.equal(added.arch, "aarch64");
  const again = decodeSpecParam(addToSpecParam(encodeSpecParam(added), spec, "ports", "nginx"))!;
  assert.deepEqual(again.ports, ["curl", "nginx"]);
  assert.deepEqual(decodeSpecParam(addToSpecParam(null, spec, "drivers", "genet"))!.drivers, ["virtio", "genet"]);
});
