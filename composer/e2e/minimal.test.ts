// The composer end to end, against the real Debian mirror and a real QEMU: build
// examples/minimal.yaml rootless with only `node` on PATH, check the initramfs with cpio,
// rebuild byte for byte, boot to the login prompt and log in over SSH.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Ajv } from "ajv";
import { parse, stringify } from "yaml";
import { bootTest } from "../src/qemu/boot-test.ts";
import { repo, runCli, sharedCache, sharedState, userDir } from "./helpers.ts";

interface Manifest {
  schematicId: string;
  spec: { system: { hostname: string } };
  lock: { package: string; version: string; arch: string; sha256: string }[];
  artifacts: Record<string, { sha256: string; size: number }>;
  sourceDateEpoch: number;
}

const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("minimal image, end to end", { timeout: 45 * 60_000 }, () => {
  const cache = sharedCache();
  const env = { BROKKR_CACHE_DIR: cache };
  const out1 = userDir("brokkr-out1-");
  let first: Manifest;

  before(async () => {
    const r = await runCli(["build", "examples/minimal.yaml", "--out", out1], env);
    assert.equal(r.code, 0, `build failed:\n${r.stderr}\n${r.stdout}`);
    first = readManifest(out1);
  });

  test("the manifest names the schematic, the lock and every output", async () => {
    const id = await runCli(["id", "examples/minimal.yaml"]);
    assert.equal(first.schematicId, id.stdout.trim());
    assert.match(first.schematicId, /^[0-9a-f]{64}$/);
    for (const f of ["disk.img", "uki.efi", "vmlinuz", "initrd.img", "cmdline"]) {
      assert.ok(first.artifacts[f], `manifest lists ${f}`);
      assert.equal(sha256(join(out1, f)), first.artifacts[f].sha256, `${f} hash`);
    }
    const names = first.lock.map((l) => l.package);
    for (const p of ["systemd", "openssh-server", "libc6", "base-passwd", "systemd-boot-efi"]) {
      assert.ok(names.includes(p), `lock has ${p}`);
    }
    assert.ok(names.some((n) => /^linux-image-.*-amd64-unsigned$/.test(n)), "lock has the kernel");
    assert.ok(first.lock.every((l) => /^[0-9a-f]{64}$/.test(l.sha256)));
  });

  test("sbom.spdx.json passes the SPDX 2.3 JSON Schema and names every locked package with its .deb's sha256", () => {
    const schema = JSON.parse(readFileSync(join(repo, "composer/src/publish/fixtures/spdx-schema-2.3.json"), "utf8"));
    const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
    const doc = JSON.parse(readFileSync(join(out1, "sbom.spdx.json"), "utf8")) as {
      packages: { name: string; versionInfo: string; licenseDeclared: string; checksums?: { checksumValue: string }[] }[];
    };
    assert.ok(validate(doc), JSON.stringify(validate.errors));
    assert.equal(sha256(join(out1, "sbom.spdx.json")), first.artifacts["sbom.spdx.json"]?.sha256);
    for (const l of first.lock) {
      const p = doc.packages.find((x) => x.name === l.package);
      assert.equal(p?.versionInfo, l.version, l.package);
      assert.equal(p?.checksums?.[0]?.checksumValue, l.sha256, l.package);
    }
    // Most of trixie's copyright files are machine-readable.
    const known = doc.packages.filter((p) => p.licenseDeclared !== "NOASSERTION").length;
    assert.ok(known > doc.packages.length / 2, `only ${known} of ${doc.packages.length} packages have a declared license`);
  });

  test("SHA256SUMS covers every artifact and manifest.json; brokkr verify and gpgv accept its signature", async () => {
    const sums = readFileSync(join(out1, "SHA256SUMS"), "utf8");
    assert.deepEqual(sums.trim().split("\n").map((l) => l.split("  ")[1]), [...Object.keys(first.artifacts), "manifest.json"].sort());
    assert.equal(first.artifacts["SHA256SUMS.asc"], undefined, "the signature stays outside the reproducible set");
    const r = await runCli(["verify", out1]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /good signature/);
    const keyring = join(userDir("brokkr-gpgv-"), "builder.gpg");
    const armored = readFileSync(join(sharedState(), "signing-key.asc"), "utf8");
    const openpgp = await import("openpgp");
    writeFileSync(keyring, (await openpgp.readPrivateKey({ armoredKey: armored })).toPublic().write());
    const g = spawnSync("gpgv", ["--keyring", keyring, join(out1, "SHA256SUMS.asc"), join(out1, "SHA256SUMS")], { encoding: "utf8" });
    assert.equal(g.status, 0, g.stderr);
    const check = spawnSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: out1, encoding: "utf8" });
    assert.equal(check.status, 0, check.stdout + check.stderr);
  });

  test("the initramfs is a cpio archive whose files belong to root", () => {
    const cpio = execFileSync("zstd", ["-dc", join(out1, "initrd.img")], { maxBuffer: 1 << 30 });
    const listing = execFileSync("cpio", ["-tvn", "--quiet"], { input: cpio, maxBuffer: 1 << 28 }).toString();
    const lines = listing.trim().split("\n");
    assert.ok(lines.length > 3000, `only ${lines.length} entries`);
    const owner = (l: string) => l.split(/\s+/).slice(2, 4).join(":");
    // Everything is root's, but for the spec's user's home and a few files Debian gives to
    // group shadow (gid 42). Nothing may belong to the user who ran the build (nobody, 65534).
    const foreign = lines.filter((l) => owner(l) !== "0:0" && !(owner(l) === "0:42") && !/ home\/admin$/.test(l));
    assert.deepEqual(foreign, [], "files not owned by root");
    assert.ok(!lines.some((l) => /\b65534\b/.test(owner(l))), "no file belongs to the build user");
    for (const path of ["init -> usr/lib/systemd/systemd", "usr/lib/systemd/systemd", "etc/passwd", "usr/sbin/sshd", "etc/brokkr/schematic-id"]) {
      assert.ok(lines.some((l) => l.endsWith(` ${path}`)), `initramfs has ${path}`);
    }
    const setuid = lines.find((l) => l.endsWith(" usr/bin/su"));
    assert.match(setuid ?? "", /^-rwsr-xr-x/, "su keeps its setuid bit");
  });

  test("a second build sharing only the package cache is byte-identical", async () => {
    const out2 = userDir("brokkr-out2-");
    const r = await runCli(["build", "examples/minimal.yaml", "--out", out2], env);
    assert.equal(r.code, 0, r.stderr);
    const second = readManifest(out2);
    assert.deepEqual(second.artifacts, first.artifacts);
    assert.equal(sha256(join(out2, "disk.img")), sha256(join(out1, "disk.img")));
  });

  test("--lock rebuilds exactly the locked set", async () => {
    const out3 = userDir("brokkr-out3-");
    const r = await runCli(["build", "examples/minimal.yaml", "--out", out3, "--lock", join(out1, "manifest.json")], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readManifest(out3).lock, first.lock);
    assert.deepEqual(readManifest(out3).artifacts, first.artifacts);
  });

  test("boots to the marker and login, then SSH with the spec's key finds the system running", async () => {
    const work = userDir("brokkr-ssh-");
    const key = join(work, "id_ed25519");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
    const spec = parse(readFileSync(join(repo, "examples/minimal.yaml"), "utf8"));
    spec.name = "minimal-ssh";
    spec.system.users[0].sshAuthorizedKeys = [readFileSync(`${key}.pub`, "utf8").trim()];
    const specFile = join(work, "spec.yaml");
    writeFileSync(specFile, stringify(spec));
    const out = userDir("brokkr-out-ssh-");
    const b = await runCli(["build", specFile, "--out", out], env);
    assert.equal(b.code, 0, b.stderr);
    const m = readManifest(out);

    const port = 20000 + Math.floor(Math.random() * 20000);
    const run = await bootTest({
      image: join(out, "disk.img"),
      arch: "x86_64",
      firmware: "uefi",
      timeoutMs: 600_000,
      expect: [`BROKKR-BOOT-OK ${m.schematicId}`, `${m.spec.system.hostname} login:`],
      anyOrder: true,
      sshForwardPort: port,
      keepRunning: true,
      logFile: join(out, "boot.log"),
    });
    after(() => run.stop());
    assert.ok(run.ok, `no marker/login within the time limit:\n${run.output.slice(-3000)}`);
    const ssh = spawnSync(
      "ssh",
      [
        "-i", key, "-p", String(port),
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=30",
        "-o", "BatchMode=yes",
        "admin@127.0.0.1", "systemctl is-system-running --wait; systemctl --failed --no-legend",
      ],
      { encoding: "utf8", timeout: 240_000 },
    );
    await run.stop();
    assert.equal(ssh.stdout.split("\n")[0], "running", `ssh said:\n${ssh.stdout}\n${ssh.stderr}`);
  });
});
