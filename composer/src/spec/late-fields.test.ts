import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import canonicalize from "canonicalize";
import { getSettings } from "../settings/index.ts";
import { lateFields, stripLateDefaults } from "./late-fields.ts";
import { normalizeSpec } from "./normalize.ts";
import { parseSpecText } from "./parse.ts";
import { schematicId } from "./schematic-id.ts";

const root = getSettings().root;

// The IDs of the examples as `brokkr id` printed them at 6ed9ae3, before stable IDs were a
// mechanism. A change here breaks every deployed /pxe/<id> URL of these specs: never edit them.
const pinned: Record<string, string> = {
  "aarch64.yaml": "c2195f8398fcef1e706e11b952fd13c0a21532a4d31a437a15325e92927c9c13",
  "minimal.yaml": "895cdd667738544e9b721090a416f9cdaeae494531c8e8455a94854a15255ff0",
  "riscv64.yaml": "772f32fad719562ee656c96f6e683112329e01746d46b644b11158a2ca27dffb",
  "webserver.yaml": "3cbe63b028320b888ac1ba698232aa63d7649339cbfe38f86bbe80b1a2da1649",
  "xen.yaml": "0aed2ba0d6d34c26717bd5fd1ee42adff960294eb1506d98fa477cd70f762706",
};

// Every spec field at 6ed9ae3 (from its schemas/image-spec.schema.json). These keep their
// defaults in the canonical form; any field not listed here must be a late field.
const idFieldsV1 = [
  "name", "arch", "boot", "boot.protocol", "boot.firmware", "boot.cmdline", "debian", "debian.suite",
  "debian.components", "kernel", "drivers", "ports", "packages", "units", "units.enable", "units.disable",
  "system", "system.hostname", "system.timezone", "system.locale", "system.keymap", "system.users",
  "system.users.[].name", "system.users.[].groups", "system.users.[].sshAuthorizedKeys",
  "system.users.[].passwordHash", "system.users.[].shell", "system.rootPassword", "rootfs", "rootfs.layout",
  "outputs", "branding", "branding.splash",
];

test("the examples keep the schematic IDs they had at 6ed9ae3", () => {
  for (const [file, id] of Object.entries(pinned)) {
    const spec = parseSpecText(readFileSync(join(root, "examples", file), "utf8"), file);
    assert.equal(schematicId(spec), id, `examples/${file}`);
  }
});

type Node = { properties?: Record<string, Node>; items?: Node; anyOf?: Node[]; oneOf?: Node[]; allOf?: Node[] };

function fieldPaths(node: Node | undefined, path: string[] = []): string[] {
  if (!node) return [];
  const nested = [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])].flatMap((n) => fieldPaths(n, path));
  const own = Object.entries(node.properties ?? {}).flatMap(([k, v]) => [[...path, k].join("."), ...fieldPaths(v, [...path, k])]);
  return [...nested, ...own, ...fieldPaths(node.items, [...path, "[]"])];
}

test("every field added since 6ed9ae3 is a late field, so it cannot change an existing ID", () => {
  const schema = JSON.parse(readFileSync(join(root, "schemas/image-spec.schema.json"), "utf8")) as Node;
  const late = new Set(lateFields.map((f) => f.path));
  const undeclared = fieldPaths(schema).filter((p) => !idFieldsV1.includes(p) && !late.has(p));
  assert.deepEqual(undeclared, [], "declare each new spec field in composer/src/spec/late-fields.ts with its default");
});

test("a late field at its default leaves the ID alone; any other value changes it", () => {
  const fields = [
    { path: "system.session", default: "none" },
    { path: "secureBoot", default: { enabled: false } },
    { path: "system.users.[].locked", default: false },
  ];
  const normal = normalizeSpec(parseSpecText(readFileSync(join(root, "examples/minimal.yaml"), "utf8"), "minimal.yaml"));
  const idOf = (spec: unknown) => createHash("sha256").update(canonicalize(stripLateDefaults(spec, fields))!).digest("hex");
  assert.equal(idOf(normal), pinned["minimal.yaml"]);
  const withDefaults = {
    ...normal,
    secureBoot: { enabled: false },
    system: { ...normal.system, session: "none", users: normal.system.users.map((u) => ({ ...u, locked: false })) },
  };
  assert.equal(idOf(withDefaults), pinned["minimal.yaml"], "every late field at its default");
  for (const changed of [
    { ...withDefaults, secureBoot: { enabled: true } },
    { ...withDefaults, system: { ...withDefaults.system, session: "kiosk" } },
    { ...withDefaults, system: { ...withDefaults.system, users: withDefaults.system.users.map((u) => ({ ...u, locked: true })) } },
  ]) {
    assert.notEqual(idOf(changed), pinned["minimal.yaml"]);
  }
});
