import assert from "node:assert/strict";
import { test } from "node:test";
import { BrokkrError } from "../errors.ts";
import type { BinaryPackage } from "../feeds/debian/types.ts";
import { testPackage } from "../feeds/debian/test-package.ts";
import { kernelParts } from "./plan.ts";

const pkg = (name: string, fields: Partial<BinaryPackage> = {}): BinaryPackage =>
  testPackage(name, { version: "7.2.13-1", architecture: "riscv64", section: "kernel", source: "linux", ...fields });

const abi = "7.2.13+deb14-riscv64";
// As sid's Packages index has it (Depends copied from the real stanza).
const image = pkg(`linux-image-${abi}`, {
  depends: `dracut | initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool, linux-base-${abi} (= 7.2.13-1), linux-binary-${abi} (= 7.2.13-1), linux-modules-${abi} (= 7.2.13-1)`,
  preDepends: "linux-base (>= 4.17~)",
});
const parts = [pkg(`linux-base-${abi}`), pkg(`linux-binary-${abi}`, { depends: `linux-base-${abi} (= 7.2.13-1)` }), pkg(`linux-modules-${abi}`, { depends: `kmod, linux-base-${abi} (= 7.2.13-1)` })];
const others = [pkg("dracut", { source: "dracut", version: "108-1" }), pkg("linux-base", { version: "4.17", source: "linux-base" }), pkg("kmod", { source: "kmod" })];

test("a split kernel package brings its exact-version parts from the same source", () => {
  const got = kernelParts(image, [...others, ...parts, image]).map((p) => p.package);
  assert.deepEqual(got, [`linux-base-${abi}`, `linux-binary-${abi}`, `linux-modules-${abi}`]);
});

test("a whole kernel package (trixie's) has no parts; alternatives and tools are never parts", () => {
  const trixie = pkg("linux-image-6.12.117+deb13-riscv64", {
    version: "6.12.117-1",
    depends: "kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool",
  });
  assert.deepEqual(kernelParts(trixie, [...others, trixie]), []);
});

test("a part missing from the index (a suite mid-upload) is a clear error", () => {
  assert.throws(
    () => kernelParts(image, [image, ...parts.slice(0, 2)], "the lock"),
    (e: unknown) =>
      e instanceof BrokkrError &&
      e.code === "feed.package-missing" &&
      e.message === `linux-image-${abi} needs linux-modules-${abi} (= 7.2.13-1), which is not in the lock`,
  );
});

test("a same-named package of another version or arch is not a part; another source may be", () => {
  const stale = pkg(`linux-binary-${abi}`, { version: "7.2.12-1" });
  const otherArch = pkg(`linux-binary-${abi}`, { architecture: "arm64" });
  assert.throws(() => kernelParts(image, [image, parts[0]!, stale, otherArch, parts[2]!]), /linux-binary-/);
  // sid's arm64: the image and binary come from linux-signed-arm64, base and modules from linux.
  const signed = { ...image, source: "linux-signed-riscv64" };
  const binary = { ...parts[1]!, source: "linux-signed-riscv64" };
  assert.equal(kernelParts(signed, [signed, parts[0]!, binary, parts[2]!]).length, 3);
});
