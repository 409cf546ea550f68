// A client lock may only pin versions of the packages the spec installs: it can't add a package,
// drop one, swap one for another, or pin versions whose dependencies the lock does not meet.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { type Catalog, loadCatalog } from "../catalog/index.ts";
import { BrokkrError } from "../errors.ts";
import { testPackage } from "../feeds/debian/test-package.ts";
import type { BinaryPackage, LockEntry } from "../feeds/debian/types.ts";
import { parseSpecValue } from "../spec/parse.ts";
import { planPackages } from "./plan.ts";

const pkg = (name: string, version: string, fields: Partial<BinaryPackage> = {}): BinaryPackage => testPackage(name, { version, section: "admin", ...fields });

const index: BinaryPackage[] = [
  pkg("systemd", "257-1", { depends: "libc6 (>= 2.36)" }),
  pkg("systemd", "256-1", { depends: "libc6 (>= 2.36)" }),
  pkg("systemd-sysv", "257-1", { depends: "systemd" }),
  pkg("udev", "257-1"),
  pkg("dbus", "1.16-1"),
  pkg("kmod", "34-1"),
  pkg("libpam-systemd", "257-1"),
  pkg("libc6", "2.41-1", { priority: "required" }),
  pkg("libc6", "2.30-1", { priority: "required" }),
  pkg("evil", "1.0-1"),
  pkg("linux-image-6.12.1+deb13-amd64-unsigned", "6.12.1-1"),
  pkg("linux-image-6.12.0+deb13-amd64-unsigned", "6.12.0-1"),
  pkg("systemd-boot-efi", "257-1"),
];

const entry = (name: string, version: string): LockEntry => {
  const p = index.find((q) => q.package === name && q.version === version)!;
  return { package: p.package, version: p.version, arch: p.architecture, sha256: p.sha256 };
};

let catalog: Catalog;
before(async () => {
  catalog = await loadCatalog();
});

const spec = () => parseSpecValue({ name: "t", arch: "x86_64", drivers: [] });
const plan = (lock?: LockEntry[]) => planPackages({ spec: spec(), catalog, index, lock });

test("the lock of a fresh build plans the same packages", () => {
  const fresh = plan();
  const again = plan(fresh.lock);
  assert.deepEqual(again.lock, fresh.lock);
  assert.deepEqual(again.rootfs.map((p) => p.package), fresh.rootfs.map((p) => p.package));
});

test("a lock may pin older versions (kernel included) that meet the same dependencies", () => {
  const lock = plan().lock.map((e) =>
    e.package === "systemd" ? entry("systemd", "256-1") : e.package.startsWith("linux-image") ? entry("linux-image-6.12.0+deb13-amd64-unsigned", "6.12.0-1") : e,
  );
  const p = plan(lock);
  assert.equal(p.rootfs.find((q) => q.package === "systemd")?.version, "256-1");
  assert.equal(p.kernel.version, "6.12.0-1");
});

function rejects(lock: LockEntry[], expected: RegExp): void {
  assert.throws(
    () => plan(lock),
    (e: unknown) => {
      assert.ok(e instanceof BrokkrError, String(e));
      assert.equal(e.code, "resolve.lock-mismatch");
      const text = [e.message, ...e.problems.map((p) => `${p.path}: ${p.message}`)].join("\n");
      assert.match(text, expected);
      return true;
    },
  );
}

test("a lock that adds a package the spec does not install is refused, naming it", () => {
  rejects([...plan().lock, entry("evil", "1.0-1")], /lock\[\d+\]: evil is not a package this spec installs/);
});

test("a lock that drops a package the spec installs is refused", () => {
  rejects(plan().lock.filter((e) => e.package !== "dbus"), /dbus is missing/);
});

test("a lock whose pinned versions break a dependency is refused", () => {
  const lock = plan().lock.map((e) => (e.package === "libc6" ? entry("libc6", "2.30-1") : e));
  rejects(lock, /do not meet each other.s dependencies/);
});

test("a lock without exactly one kernel is refused", () => {
  rejects(plan().lock.filter((e) => !e.package.startsWith("linux-image")), /one kernel package/);
  rejects([...plan().lock, entry("linux-image-6.12.0+deb13-amd64-unsigned", "6.12.0-1")], /one kernel package/);
});
