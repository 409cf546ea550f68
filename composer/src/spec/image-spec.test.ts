import assert from "node:assert/strict";
import { test } from "node:test";
import { imageSpecSchema } from "./image-spec.ts";

test("a spec of name and arch gets every default", () => {
  const spec = imageSpecSchema.parse({ name: "tiny", arch: "riscv64" });
  assert.deepEqual(spec, {
    name: "tiny",
    arch: "riscv64",
    boot: { protocol: "uefi", firmware: "uefi", cmdline: [] },
    debian: { suite: "trixie", components: ["main"] },
    kernel: "linux",
    drivers: ["virtio"],
    ports: [],
    packages: [],
    units: { enable: [], disable: [] },
    system: {
      hostname: "brokkr",
      timezone: "Etc/UTC",
      locale: "C.UTF-8",
      keymap: "us",
      users: [],
      rootPassword: null,
    },
    rootfs: { layout: "initramfs" },
    outputs: ["disk"],
  });
});

test("a user gets defaults for everything but the name", () => {
  const spec = imageSpecSchema.parse({ name: "a", arch: "x86_64", system: { users: [{ name: "ada" }] } });
  assert.deepEqual(spec.system.users, [
    { name: "ada", groups: [], sshAuthorizedKeys: [], passwordHash: null, shell: "/bin/bash" },
  ]);
});

test("name and arch are required", () => {
  const r = imageSpecSchema.safeParse({});
  assert.equal(r.success, false);
  assert.deepEqual(r.error?.issues.map((i) => i.path.join(".")).sort(), ["arch", "name"]);
});

test("unknown keys are rejected at every level", () => {
  for (const doc of [
    { name: "a", arch: "x86_64", extra: 1 },
    { name: "a", arch: "x86_64", boot: { protocl: "uefi" } },
    { name: "a", arch: "x86_64", system: { users: [{ name: "x", group: [] }] } },
  ]) {
    const r = imageSpecSchema.safeParse(doc);
    assert.equal(r.success, false, JSON.stringify(doc));
    assert.equal(r.error?.issues[0]?.code, "unrecognized_keys");
  }
});

test("names, hostnames and hashes are checked by shape", () => {
  const ok = (patch: object) => imageSpecSchema.safeParse({ name: "a", arch: "x86_64", ...patch }).success;
  assert.equal(ok({ name: "Upper" }), false);
  assert.equal(ok({ name: "-dash" }), false);
  assert.equal(ok({ name: "a".repeat(63) }), true);
  assert.equal(ok({ name: "a".repeat(64) }), false);
  assert.equal(ok({ system: { hostname: "web-1" } }), true);
  assert.equal(ok({ system: { hostname: "web-" } }), false);
  assert.equal(ok({ system: { hostname: "a.b" } }), false);
  assert.equal(ok({ system: { rootPassword: "$y$j9T$abc$def" } }), true);
  assert.equal(ok({ system: { rootPassword: "$6$rounds=5000$salt$hash" } }), true);
  assert.equal(ok({ system: { rootPassword: "hunter2" } }), false);
  assert.equal(
    ok({ system: { users: [{ name: "a", sshAuthorizedKeys: ["ssh-ed25519 AAAAC3Nz a@b"] }] } }),
    true,
  );
  assert.equal(ok({ system: { users: [{ name: "a", sshAuthorizedKeys: ["not a key"] }] } }), false);
  assert.equal(ok({ boot: { cmdline: ["quiet", "console=ttyS0,115200n8", "video=HDMI-A-1:1920x1080@60"] } }), true);
  // Quotes mean different things to GRUB, iPXE and the kernel: refused (output-languages.ts).
  assert.equal(ok({ boot: { cmdline: ['dyndbg="file x.c +p"'] } }), false);
  assert.equal(ok({ boot: { cmdline: ["two words"] } }), false);
});

test("enums hold exactly the documented values", () => {
  const ok = (patch: object) => imageSpecSchema.safeParse({ name: "a", arch: "x86_64", ...patch }).success;
  for (const arch of ["x86_64", "aarch64", "riscv64"]) assert.equal(ok({ arch }), true);
  assert.equal(ok({ arch: "arm64" }), false);
  assert.equal(ok({ outputs: ["disk", "uki", "pxe", "iso", "qcow2"] }), true);
  assert.equal(ok({ outputs: [] }), false);
  assert.equal(ok({ debian: { components: ["main", "non-free-firmware"] } }), true);
  assert.equal(ok({ debian: { components: ["universe"] } }), false);
  assert.equal(ok({ rootfs: { layout: "partition" } }), true);
});
