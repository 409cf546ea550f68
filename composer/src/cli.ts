// `brokkr` — the command line. Each command is a few calls into the library.
import { existsSync, statSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadCatalog } from "./catalog/index.ts";
import { unavailableChains } from "./chains/availability.ts";
import { progressPrinter } from "./cli-progress.ts";
import { runScriptCommand } from "./cli-script.ts";
import { BrokkrError, exitCodeOf, formatError } from "./errors.ts";
import { loadSpecFile } from "./load-spec.ts";
import { formatMatrix, matrixCells } from "./matrix/matrix.ts";
import { build, type Manifest } from "./pipeline.ts";
import { attachmentOf, bootTest } from "./qemu/boot-test.ts";
import { guestFor } from "./qemu/firmware.ts";
import { remoteBuild } from "./remote.ts";
import { defaultSigningKeyFile } from "./publish/signing-key.ts";
import { verifyDownload } from "./publish/verify.ts";
import { signPeImage } from "./secure-boot/authenticode.ts";
import { createKeySet, keySetDir, readDbSigner } from "./secure-boot/keys.ts";
import { getSettings } from "./settings/index.ts";

const usage = `brokkr — declarative OS images from Debian packages, rootless

usage:
  brokkr validate SPEC                       check a spec; exit 1 with every problem
  brokkr build SPEC --out DIR [--lock FILE]  build the spec's outputs and manifest.json into DIR
  brokkr boot-test SPEC|DIR [--timeout S]    boot disk.img in QEMU until the marker and login prompt
      [--image FILE]                         or another artifact: image.iso as a CD-ROM, disk.qcow2
      [--screenshot FILE.png [--screenshot-after MARKER]]
                                             with a display: its picture once the markers (and
                                             MARKER) appeared on the serial console
      [--script FILE [--copy-out PATH]... [--out-dir DIR]]
                                             or run FILE in the guest as root, stream its output,
                                             copy PATHs out to DIR; exit with its status
  brokkr catalog list [kind]                 list kernels, drivers, ports, units
  brokkr matrix [--json]                     every arch × protocol × firmware: valid or why not, and what builds today
  brokkr id SPEC                             print the schematic ID
  brokkr remote build SPEC --server URL [--out DIR]
                                             build on a Brokkr server, follow its log, download
                                             and check every artifact (default DIR: out/<name>)
  brokkr verify DIR|URL [--key FILE]         check SHA256SUMS.asc (the builder's key: FILE, else a
                                             URL's server's published key, else this machine's own),
                                             every file's sha256 and manifest.json's hashes
  brokkr keys create NAME [--out DIR]        a Secure Boot key set: PK, KEK, db keys and certificates,
                                             .esl lists and signed .auth updates to enroll them
                                             (default DIR: $BROKKR_STATE_DIR/secure-boot/NAME)
  brokkr keys sign NAME EFI --out FILE       sign an EFI binary (uki.efi, BOOT*.EFI) with the set's db
                                             key (Authenticode); sbverify --cert db.crt checks it
  brokkr gc [--dry-run] [--verify]           the server's garbage collection: superseded, failed and
                                             lock builds' artifacts, orphan blobs, staging, the package
                                             cache's cap; --verify re-hashes every stored blob
  brokkr token create NAME | list | revoke NAME
                                             the server's API tokens (printed once, stored hashed),
                                             whether the server runs or not

environment: BROKKR_MIRROR, BROKKR_CACHE_DIR, BROKKR_KEYRING, SOURCE_DATE_EPOCH, BROKKR_SERVER, ...
  (every variable: the README, or composer/src/settings/table.ts)
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: "string", short: "o" },
      lock: { type: "string" },
      timeout: { type: "string" },
      image: { type: "string" },
      screenshot: { type: "string" },
      "screenshot-after": { type: "string" },
      script: { type: "string" },
      "copy-out": { type: "string", multiple: true },
      "out-dir": { type: "string" },
      json: { type: "boolean" },
      server: { type: "string" },
      key: { type: "string" },
      "dry-run": { type: "boolean" },
      verify: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(usage);
    return command || values.help ? 0 : 1;
  }
  if (command === "remote") return runRemote(rest, values.server ?? getSettings().server, values.out);
  if (command === "token") return runToken(rest);
  if (command === "verify") return runVerify(need(rest[0], "DIR|URL"), values.key);
  if (command === "keys") return runKeys(rest, values.out);
  if (command === "gc") return runGc([...rest, ...(values["dry-run"] ? ["--dry-run"] : []), ...(values.verify ? ["--verify"] : [])]);
  const catalog = await loadCatalog();

  switch (command) {
    case "validate": {
      const file = need(rest[0], "SPEC");
      const { schematicId } = await loadSpecFile(file, catalog, { unavailable: await unavailableChains() });
      process.stdout.write(`${file}: valid\nschematic ${schematicId}\n`);
      return 0;
    }
    case "id": {
      const { schematicId } = await loadSpecFile(need(rest[0], "SPEC"), catalog);
      process.stdout.write(`${schematicId}\n`);
      return 0;
    }
    case "build": {
      const file = need(rest[0], "SPEC");
      const out = need(values.out, "--out DIR");
      const { spec, schematicId } = await loadSpecFile(file, catalog);
      const lock = values.lock ? await readLock(values.lock) : undefined;
      process.stderr.write(`building ${spec.name} (${spec.arch}, ${spec.boot.protocol}) schematic ${schematicId}\n`);
      const t0 = performance.now();
      const manifest = await build({ spec, schematicId, catalog, outDir: out, lock, onProgress: progressPrinter() });
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      for (const [name, a] of Object.entries(manifest.artifacts)) {
        process.stdout.write(`${join(out, name)}  ${(a.size / 1e6).toFixed(1)} MB  sha256:${a.sha256}\n`);
      }
      process.stdout.write(`${join(out, manifest.checksums.file)} and ${manifest.checksums.signature}: signed with ${defaultSigningKeyFile()}\n`);
      process.stdout.write(`built in ${secs} s: ${manifest.lock.length} packages, kernel ${manifest.kernel.release}\n`);
      return 0;
    }
    case "boot-test": {
      const target = need(rest[0], "SPEC|DIR");
      const dir = await ensureBuilt(target, catalog);
      const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as Manifest;
      const image = values.image === undefined ? join(dir, "disk.img") : resolve(values.image);
      if (!existsSync(image)) {
        throw new BrokkrError("qemu.failed", `${image} does not exist`, { hint: "add `disk` to the spec's outputs" });
      }
      const timeoutMs = Number(values.timeout ?? 600) * 1000;
      const logName = values.image === undefined ? "boot.log" : `boot-${basename(image)}.log`;
      if (values.script) {
        const copyOut = values["copy-out"] ?? [];
        return runScriptCommand({ dir, manifest, image, script: values.script, copyOut, outDir: values["out-dir"], timeoutMs });
      }
      const expect = [`BROKKR-BOOT-OK ${manifest.schematicId}`, `${manifest.spec.system.hostname} login:`];
      const shot = values.screenshot === undefined ? undefined : resolve(values.screenshot);
      if (values["screenshot-after"] !== undefined) {
        if (shot === undefined) throw new BrokkrError("cli.usage", "--screenshot-after needs --screenshot FILE.png");
        expect.push(values["screenshot-after"]);
      }
      process.stderr.write(`booting ${image} (${manifest.spec.arch}, TCG), waiting for: ${expect.join(" | ")}\n`);
      const result = await bootTest({
        image,
        ...attachmentOf(image),
        arch: manifest.spec.arch,
        firmware: manifest.spec.boot.firmware,
        ...guestFor(manifest.spec.boot.protocol),
        timeoutMs,
        expect,
        anyOrder: true,
        logFile: join(dir, logName),
        display: shot !== undefined,
        keepRunning: shot !== undefined,
      });
      if (!result.ok) {
        process.stderr.write(`${result.output.slice(-3000)}\n`);
        throw new BrokkrError("qemu.timeout", `no ${expect.join(" / ")} within ${timeoutMs / 1000} s`, {
          hint: `the console log is in ${join(dir, logName)}`,
        });
      }
      for (const m of result.matched) process.stdout.write(`${String(m.pattern)} after ${m.atSeconds.toFixed(1)} s\n`);
      if (shot !== undefined) {
        try {
          const { width, height } = await result.screenshot(shot);
          process.stdout.write(`${shot}  ${width}x${height}  ${statSync(shot).size} bytes\n`);
        } finally {
          await result.stop();
        }
      }
      process.stdout.write(`boot-test passed in ${result.seconds.toFixed(1)} s\n`);
      return 0;
    }
    case "matrix": {
      const cells = matrixCells(catalog);
      process.stdout.write(values.json ? `${JSON.stringify(cells, null, 2)}\n` : formatMatrix(cells));
      return 0;
    }
    case "catalog": {
      if (rest[0] !== "list") throw new BrokkrError("cli.usage", `unknown catalog command '${rest[0] ?? ""}'`, { hint: "brokkr catalog list [kind]" });
      const kinds = { kernels: catalog.kernels, drivers: catalog.drivers, ports: catalog.ports, units: catalog.units };
      const wanted = rest[1];
      for (const [kind, map] of Object.entries(kinds)) {
        if (wanted && !kind.startsWith(wanted.replace(/s$/, ""))) continue;
        process.stdout.write(`${kind}:\n`);
        for (const [id, entry] of [...map.entries()].sort(([a], [b]) => a.localeCompare(b))) {
          process.stdout.write(`  ${id.padEnd(24)} ${(entry as { description?: string }).description ?? ""}\n`);
        }
      }
      return 0;
    }
    default:
      process.stderr.write(`unknown command '${command}'\n\n${usage}`);
      return 1;
  }
}

/** The server checks the spec against its own catalog: no local catalog needed. */
async function runRemote(args: string[], server: string | undefined, out: string | undefined): Promise<number> {
  if (args[0] !== "build") {
    throw new BrokkrError("cli.usage", `unknown remote command '${args[0] ?? ""}'`, { hint: "brokkr remote build SPEC --server URL" });
  }
  const specFile = need(args[1], "SPEC");
  const result = await remoteBuild({
    specFile,
    server: need(server, "--server URL (or BROKKR_SERVER)"),
    outDir: out,
    onLog: (line) => process.stderr.write(`${line}\n`),
    token: getSettings().token,
  });
  for (const a of result.artifacts) {
    process.stdout.write(`${a.path}  ${(a.size / 1e6).toFixed(1)} MB  sha256:${a.sha256}\n`);
  }
  process.stdout.write(`build ${result.buildId} of schematic ${result.schematicId}: ${result.artifacts.length} artifacts checked\n`);
  return 0;
}

/** Loaded only for this command: it brings the server's database drivers. */
async function runGc(args: string[]): Promise<number> {
  const { runGcCommand } = await import("../../web/lib/gc/gc-command.ts");
  return runGcCommand(args, getSettings(), (s) => process.stdout.write(s));
}

/** Loaded only for this command: it brings the server's database drivers. */
async function runToken(args: string[]): Promise<number> {
  const { runTokenCommand } = await import("../../web/lib/auth/token-command.ts");
  const { dataDir, databaseUrl } = getSettings();
  return runTokenCommand(
    args,
    { dataDir, databaseUrl },
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
  );
}

async function runKeys(args: string[], out: string | undefined): Promise<number> {
  if (args[0] === "sign") {
    const dir = keySetDir(need(args[1], "NAME"));
    const input = need(args[2], "EFI");
    const target = need(out, "--out FILE");
    const signer = await readDbSigner(dir);
    const image = await readFile(input).catch((cause: unknown) => {
      throw new BrokkrError("cli.usage", `cannot read ${input}`, { cause, hint: "name an EFI binary, e.g. a build's uki.efi" });
    });
    await writeFile(target, signPeImage(image, signer, input));
    process.stdout.write(`${target}: ${input} signed with ${join(dir, "db.key")}\n`);
    return 0;
  }
  if (args[0] !== "create") throw new BrokkrError("cli.usage", `unknown keys command '${args[0] ?? ""}'`, { hint: "brokkr keys create NAME [--out DIR] | keys sign NAME EFI --out FILE" });
  const name = need(args[1], "NAME");
  const dir = out ?? keySetDir(name);
  const set = await createKeySet(name, { dir });
  process.stdout.write(`${set.dir}: ${set.files.join(" ")}\nowner GUID ${set.owner}; the .key files (mode 0600) never leave this machine\n`);
  return 0;
}

async function runVerify(target: string, keyFile: string | undefined): Promise<number> {
  const report = await verifyDownload(target, {
    ...(keyFile ? { keyFile } : {}),
    onFile: (name, sha256) => process.stdout.write(`${name}: OK  sha256:${sha256}\n`),
  });
  const when = report.signedAt ? ` on ${report.signedAt.toISOString()}` : "";
  process.stdout.write(`SHA256SUMS.asc: good signature by ${report.fingerprint}${when} (key from ${report.keyFrom})\n`);
  process.stdout.write(`${report.source}: ${report.files.length} files match SHA256SUMS; manifest.json agrees\n`);
  return 0;
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new BrokkrError("cli.usage", `missing ${what}`, { hint: "see `brokkr --help`" });
  return value;
}

async function readLock(file: string) {
  const doc = JSON.parse(await readFile(file, "utf8")) as { lock?: unknown };
  if (!Array.isArray(doc.lock)) {
    throw new BrokkrError("resolve.lock-mismatch", `${file} has no "lock" array`, { hint: "pass a manifest.json written by brokkr build" });
  }
  return doc.lock as Manifest["lock"];
}

/** A directory with a manifest is used as is; a spec file is built into a temporary directory first. */
async function ensureBuilt(target: string, catalog: Awaited<ReturnType<typeof loadCatalog>>): Promise<string> {
  if (statSync(target).isDirectory()) return resolve(target);
  const { spec, schematicId } = await loadSpecFile(target, catalog);
  const out = await mkdtemp(join(tmpdir(), "brokkr-boot-"));
  await build({ spec, schematicId, catalog, outDir: out, onProgress: progressPrinter() });
  return out;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${formatError(err)}\n`);
    process.exitCode = exitCodeOf(err);
  },
);
