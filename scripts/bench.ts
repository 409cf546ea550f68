// `npm run bench`: cold build (empty package cache), warm build (cache full, nothing else
// reused), image size and boot time to `login:` under QEMU/TCG, written to docs/benchmarks.md
// beside mkosi's figures measured on the same machines (docs/lab-notes.md).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bootTest } from "../composer/src/qemu/boot-test.ts";
import { benchSecurity } from "./bench-security.ts";
import { benchWeb } from "./bench-web.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const spec = process.argv[2] ?? "examples/minimal.yaml";

interface Run {
  seconds: number;
  peakRssMb: number;
}

/** Runs a build in a child process and reads its peak RSS from /proc via GNU time's format. */
function timedBuild(out: string, cache: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(repo, "composer/src/cli.ts"), "build", spec, "--out", out], {
      cwd: repo,
      env: { ...process.env, BROKKR_CACHE_DIR: cache, CI: "true" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    let peak = 0;
    const poll = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
        if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
      } catch {}
    }, 100);
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(poll);
      if (code !== 0) reject(new Error(`build exited ${code}`));
      else resolve({ seconds: (performance.now() - t0) / 1000, peakRssMb: Math.round(peak) });
    });
  });
}

const cache = mkdtempSync(join(tmpdir(), "brokkr-bench-cache-"));
const outCold = mkdtempSync(join(tmpdir(), "brokkr-bench-cold-"));
const outWarm = mkdtempSync(join(tmpdir(), "brokkr-bench-warm-"));
try {
  console.log(`cold build of ${spec} (empty cache ${cache})`);
  const cold = await timedBuild(outCold, cache);
  console.log(`warm build (cache full, fresh output)`);
  const warm = await timedBuild(outWarm, cache);
  const manifest = JSON.parse(readFileSync(join(outWarm, "manifest.json"), "utf8"));
  const disk = statSync(join(outWarm, "disk.img")).size;
  const uki = statSync(join(outWarm, "uki.efi")).size;
  console.log("booting disk.img to login:");
  const boot = await bootTest({
    image: join(outWarm, "disk.img"),
    arch: manifest.spec.arch,
    firmware: manifest.spec.boot.firmware,
    timeoutMs: 600_000,
    expect: [`${manifest.spec.system.hostname} login:`],
  });
  await boot.stop();
  if (!boot.ok) throw new Error("the image did not reach login:");
  const login = boot.matched[0]!.atSeconds;

  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const qemu = execFileSync("qemu-system-x86_64", ["--version"]).toString().split("\n")[0];
  const mb = (n: number) => (n / 1e6).toFixed(1);
  const text = `# Benchmarks

Measured by \`npm run bench\` (\`node scripts/bench.ts ${spec}\`), ${new Date().toISOString().slice(0, 10)}.
Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${qemu}, TCG (no KVM).
Package set: ${manifest.lock.length} Debian packages (${manifest.spec.debian.suite}), systemd, openssh-server,
kernel ${manifest.kernel.release}; x86_64 UEFI.

| | Brokkr | target | mkosi 25.3 (same packages, docs/lab-notes.md) |
|---|---|---|---|
| cold build (empty package cache) | ${cold.seconds.toFixed(1)} s, peak RSS ${cold.peakRssMb} MB | ≤ 8 s | 81 s, peak RSS 586 MB |
| warm build (package cache full) | ${warm.seconds.toFixed(1)} s, peak RSS ${warm.peakRssMb} MB | ≤ 3 s (floor ≤ 10 s) | 95 s |
| image (disk.img) | ${mb(disk)} MB (UKI ${mb(uki)} MB) | ≤ 60 MB (floor ≤ 80 MB) | 621 MiB (UKI 143 MB) |
| boot to \`login:\` (QEMU start → prompt) | ${login.toFixed(1)} s | ≤ 20 s | 57 s |

The cold build includes downloading every package from the mirror; the warm build reuses the
cache directory only: verified .debs, their decompressed payloads, and the zstd initramfs of an
identical tree (looked up by the cpio's sha256, checked before use). It writes every output anew
into a fresh directory.
Both run as separate processes, timed from spawn to exit.
`;
  console.log("image service: lookups under load, downloads, single flight");
  const web = await benchWeb(join(repo, spec));
  console.log("safe to expose: validation of the largest spec, lookups beside hostile clients");
  const security = await benchSecurity();
  writeFileSync(join(repo, "docs/benchmarks.md"), `${text}\n${web}\n${security}`);
  // Its own process: it sets the store cap and grace period in the environment before the
  // settings are read, and adds its section to docs/benchmarks.md itself.
  console.log("garbage collection under churn");
  execFileSync(process.execPath, [join(repo, "scripts/bench-gc.ts")], { stdio: "inherit" });
  console.log(text);
  console.log(web);
} finally {
  for (const d of [cache, outCold, outWarm]) rmSync(d, { recursive: true, force: true });
}
