#!/usr/bin/env bash
# Machine setup for the README's two commands (and so for CI): the Debian tools a job needs,
# then the npm dependencies. Idempotent: when everything is in place it changes nothing and says
# so. Needs no terminal (CI=true, no stdin).
#   bash scripts/setup.sh [main|test] [--dry-run]
#     main       what `npm start` (server, builder, web UI build) needs at run time
#     test       (the default) main + what the tests and benchmarks need (QEMU, firmware,
#                Chromium, PostgreSQL, ...)
#     --dry-run  prints what it would run
set -euo pipefail
cd "$(dirname "$0")/.."

mode=test
dry_run=0
for arg in "$@"; do
  case $arg in
    main | test) mode=$arg ;;
    --dry-run) dry_run=1 ;;
    *) echo "setup: unknown argument '$arg' (usage: bash scripts/setup.sh [main|test] [--dry-run])" >&2; exit 2 ;;
  esac
done

say() { echo "setup: $*"; }
run() {
  if ((dry_run)); then
    say "would run: $*"
  else
    say "running: $*"
    "$@" </dev/null
  fi
}

# fsck.fat and sgdisk live in /usr/sbin, which a non-root PATH may lack.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

# One entry a line: kind (cmd, file, or glob: any match will do), what, the Debian package that
# provides it. To add one: append a line to the list of the job that needs it (a tool only the
# tests or benchmarks use goes into needs_test), with a word on why in the comment above it.

# The main job. nodejs + npm: the first `node` and `npm`, only to run `npm ci`, which installs
# the pinned Node 24 (docs/adr/0001-node-24-from-npm.md). The keyring checks the mirror's
# InRelease files; zstd and xz: the builder decodes .deb members with them when present
# (composer/src/util/decompress.ts; twice as fast as the in-process decoders).
needs_main=(
  "cmd node nodejs"
  "cmd npm npm"
  "file /usr/share/keyrings/debian-archive-keyring.gpg debian-archive-keyring"
  "cmd zstd zstd"
  "cmd xz xz-utils"
)

# Only the tests and benchmarks. QEMU and firmware: boot tests. ipxe-qemu: the PXE option ROM
# the web e2e test boots from; postgresql: the web service's tests run against a real
# PostgreSQL as well as the embedded one. wrk and curl: the image service's load and download
# figures in `npm run bench` (scripts/bench-web.ts). python3: its lzma module is the independent
# decoder for our LZMA writer (formats/lzma.ts). kmod: depmod, modprobe and modinfo check the
# module indexes we write (kernel/depmod.ts). fsck.*, sgdisk, mdir, xorriso, objdump, cpio:
# independent readers of what our format writers produce. chromium: the UI tests. gpgv: the
# independent check of the OpenPGP signature on every build's SHA256SUMS. swift-*: OpenStack
# Swift with s3api, the real S3 server the artifact store's S3 tests run against
# (web/lib/store/test-swift.ts; swift and python3-swift come as their dependencies). openssl,
# efitools: read our Secure Boot certificates and write the reference .esl/.auth files;
# sbsigntool: sbverify checks our Authenticode signatures.
needs_test=(
  "cmd qemu-system-x86_64 qemu-system-x86"
  "file /usr/share/OVMF/OVMF_CODE_4M.fd ovmf"
  "cmd qemu-system-aarch64 qemu-system-arm"
  "file /usr/share/AAVMF/AAVMF_CODE.fd qemu-efi-aarch64"
  "cmd qemu-system-riscv64 qemu-system-misc"
  "file /usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin qemu-system-data"
  "file /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin u-boot-qemu"
  "cmd mkimage u-boot-tools"
  "cmd cpio cpio"
  "cmd python3 python3"
  "cmd chromium chromium"
  "cmd fsck.fat dosfstools"
  "cmd fsck.erofs erofs-utils"
  "cmd mdir mtools"
  "cmd sgdisk gdisk"
  "cmd sfdisk fdisk"
  "cmd xorriso xorriso"
  "cmd qemu-img qemu-utils"
  "cmd objdump binutils"
  "cmd depmod kmod"
  "cmd ssh openssh-client"
  "cmd ssh-keygen openssh-client"
  "cmd dpkg dpkg"
  "file /usr/lib/ipxe/qemu/efi-virtio.rom ipxe-qemu"
  "glob /usr/lib/postgresql/*/bin/initdb postgresql"
  "cmd wrk wrk"
  "cmd curl curl"
  "cmd gpgv gpgv"
  "file /usr/bin/swift-proxy-server swift-proxy"
  "file /usr/bin/swift-account-server swift-account"
  "file /usr/bin/swift-container-server swift-container"
  "file /usr/bin/swift-object-server swift-object"
  "cmd openssl openssl"
  "cmd sign-efi-sig-list efitools"
  "cmd sbverify sbsigntool"
)

needs=("${needs_main[@]}")
if [[ $mode == test ]]; then needs+=("${needs_test[@]}"); fi

find_missing_packages() {
  missing_pkgs=()
  local entry kind what pkg
  for entry in "${needs[@]}"; do
    read -r kind what pkg <<<"$entry"
    if [[ $kind == cmd ]]; then
      command -v "$what" >/dev/null 2>&1 && continue
    elif [[ $kind == glob ]]; then
      compgen -G "$what" >/dev/null && continue
    else
      [[ -e $what ]] && continue
    fi
    say "missing: $what (Debian package $pkg)"
    [[ " ${missing_pkgs[*]} " == *" $pkg "* ]] || missing_pkgs+=("$pkg")
  done
}

find_missing_packages
if ((${#missing_pkgs[@]} == 0)); then
  say "Debian tools for the $mode job: all present, nothing to install"
else
  if ! command -v apt-get >/dev/null 2>&1; then
    say "apt-get not found: this is not a Debian-like system; install by hand: ${missing_pkgs[*]}"
    exit 1
  fi
  as_root=()
  if [[ $(id -u) != 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      as_root=(sudo -n) # -n: fail instead of prompting for a password (no stdin in CI)
    else
      say "not root and no sudo: as root, run: apt-get install --no-install-recommends ${missing_pkgs[*]}"
      exit 1
    fi
  fi
  run "${as_root[@]}" apt-get update
  run "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing_pkgs[@]}"
  if ((!dry_run)); then
    find_missing_packages
    if ((${#missing_pkgs[@]} > 0)); then
      say "still missing after apt-get install: ${missing_pkgs[*]}"
      exit 1
    fi
    say "Debian tools for the $mode job: installed"
  fi
fi

# npm writes node_modules/.package-lock.json on every install: it is our stamp. Node 24 comes
# from the `node` package's preinstall; an npm that skipped it (npm 12 without our allowScripts
# entry) leaves node_modules without it, and every script would run on the host's node.
node24() { [[ -x node_modules/.bin/node ]] && [[ $(node_modules/.bin/node --version 2>/dev/null) == v24.* ]]; }
reason=""
if [[ ! -f node_modules/.package-lock.json ]]; then
  reason="node_modules is missing"
elif [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  reason="package-lock.json is newer than node_modules"
elif ! node24; then
  reason="node_modules/.bin/node is not Node 24"
fi
if [[ -z $reason ]]; then
  say "npm dependencies: up to date, npm ci skipped"
else
  if ! command -v npm >/dev/null 2>&1; then
    say "npm not found ($reason): install Node.js with npm (Debian: apt-get install nodejs npm), then rerun"
    exit 1
  fi
  say "npm ci with npm $(npm --version): $reason"
  # npm silently leaves out optional dependencies whose `engines` exclude the node running npm,
  # sharp's prebuilt binaries among them (Debian bookworm's Node 18 loses them). So on an older
  # host node, fetch the pinned Node 24 into a temp dir first and run npm ci under it.
  host_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if ((host_major < 24)); then
    version=$(node -p 'require("./package-lock.json").packages["node_modules/node"].version')
    boot=$(mktemp -d "${TMPDIR:-/tmp}/brokkr-node.XXXXXX")
    trap 'rm -rf "$boot"' EXIT
    say "the host's node is $(node --version): npm ci runs under Node $version, fetched first into $boot"
    printf '{ "private": true, "dependencies": { "node": "%s" }, "allowScripts": { "node": true } }\n' \
      "$version" >"$boot/package.json"
    run npm install --prefix "$boot" --no-audit --no-fund --no-package-lock
    PATH="$boot/node_modules/.bin:$PATH" run npm ci --no-audit --no-fund
  else
    run npm ci --no-audit --no-fund
  fi
  if ((!dry_run)) && ! node24; then
    say "npm ci left no Node 24 in node_modules/.bin: the \`node\` package's preinstall did not run (is \"node\": true still in package.json's allowScripts?)"
    exit 1
  fi
fi
