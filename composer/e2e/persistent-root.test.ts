// `rootfs.layout: partition`, end to end: the root filesystem is an EROFS partition written by
// our code (checked with erofs-utils), the UKI carries only the busybox early stage, and the
// root's changes land on the state partition and survive a reboot. Two guest script runs on
// one writable copy of disk.img: the first writes a file, the second finds it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, openSync, readFileSync, readSync, closeSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { runScript } from "../src/qemu/script-runner.ts";
import { runCli, sharedCache, userDir } from "./helpers.ts";

interface Manifest {
  schematicId: string;
  lock: { package: string }[];
  artifacts: Record<string, { size: number }>;
}

const spec = `name: persist
arch: x86_64
kernel: linux
drivers: [virtio]
rootfs:
  layout: partition
system:
  hostname: persist
outputs: [disk]
`;

function partitions(disk: string): { start: number; size: number; name?: string; type: string }[] {
  const t = JSON.parse(execFileSync("sfdisk", ["-J", disk], { encoding: "utf8" })) as {
    partitiontable: { partitions: { start: number; size: number; name?: string; type: string }[] };
  };
  return t.partitiontable.partitions;
}

function extract(disk: string, part: { start: number; size: number }, to: string): void {
  const fd = openSync(disk, "r");
  const buf = Buffer.alloc(part.size * 512);
  readSync(fd, buf, 0, buf.length, part.start * 512);
  closeSync(fd);
  writeFileSync(to, buf);
}

describe("persistent root on an EROFS partition, end to end", { timeout: 45 * 60_000 }, () => {
  const env = { BROKKR_CACHE_DIR: sharedCache() };
  const out = userDir("brokkr-persist-");
  let manifest: Manifest;

  before(async () => {
    const file = join(userDir("brokkr-persist-spec-"), "persist.yaml");
    writeFileSync(file, spec);
    const r = await runCli(["build", file, "--out", out], env);
    assert.equal(r.code, 0, `build failed:\n${r.stderr}\n${r.stdout}`);
    manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest;
  });

  test("the disk holds ESP, an EROFS root that fsck.erofs accepts, and an empty state partition", () => {
    const disk = join(out, "disk.img");
    const parts = partitions(disk);
    assert.deepEqual(
      parts.map((p) => p.name),
      ["ESP", "brokkr-root", "brokkr-state"],
    );
    assert.equal(parts[1]!.type, "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "x86_64 root (Discoverable Partitions)");
    const work = userDir("brokkr-persist-fsck-");
    const root = join(work, "root.erofs");
    extract(disk, parts[1]!, root);
    execFileSync("fsck.erofs", [root]);
    const shadow = execFileSync("dump.erofs", ["--path=/etc/shadow", root], { encoding: "utf8" });
    assert.match(shadow, /Uid: 0\s+Gid: 42\b/, "root:shadow kept without root privileges");
    const sbin = execFileSync("dump.erofs", ["--path=/usr/sbin/init", root], { encoding: "utf8" });
    assert.match(sbin, /Symlink|symlink|Size: /, "systemd's init is in the root");
    const head = Buffer.alloc(4096);
    const fd = openSync(disk, "r");
    readSync(fd, head, 0, head.length, parts[2]!.start * 512);
    closeSync(fd);
    assert.ok(head.every((b) => b === 0), "the state partition is formatted by the first boot, not by us");
    assert.ok(manifest.lock.some((l) => l.package === "busybox-static"), "the early stage's busybox is locked");
  });

  test("the root's changes persist across a reboot", async () => {
    const work = userDir("brokkr-persist-run-");
    const disk = join(work, "disk.img");
    copyFileSync(join(out, "disk.img"), disk);
    const nonce = randomBytes(8).toString("hex");
    const run = (script: string, log: string) =>
      runScript({
        image: disk,
        writable: true,
        arch: "x86_64",
        firmware: "uefi",
        script: Buffer.from(script),
        timeoutMs: 15 * 60_000,
        logFile: join(work, log),
      });
    const first = await run(`#!/bin/sh\ngrep " / " /proc/mounts\necho ${nonce} > /var/lib/brokkr-persist\nsync\n`, "first.log");
    assert.equal(first.status, 0, first.lines.join("\n"));
    assert.match(first.lines.join("\n"), /^overlay \/ overlay .*lowerdir=\/lower,upperdir=\/state\/upper/m, "root is the overlay");
    assert.match(readFileSync(join(work, "first.log"), "latin1"), /brokkr-early: formatting \/dev\/vda3/);

    const second = await run("#!/bin/sh\ncat /var/lib/brokkr-persist\n", "second.log");
    assert.equal(second.status, 0, second.lines.join("\n"));
    assert.deepEqual(second.lines, [nonce], "the file written by the first boot is there");
    assert.doesNotMatch(readFileSync(join(work, "second.log"), "latin1"), /formatting/, "the second boot keeps the state");
    process.stderr.write(`# persistent root: first boot ${first.seconds.toFixed(1)} s, second ${second.seconds.toFixed(1)} s\n`);
  });
});
