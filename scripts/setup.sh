#!/usr/bin/env bash
# Machine setup shared by scripts/test.sh and scripts/start.sh (and so by CI): the Debian tools
# that tests and boot tests use, then the npm dependencies. Idempotent: when everything is in
# place it changes nothing and says so. Needs no terminal (CI=true, no stdin).
#   bash scripts/setup.sh [--dry-run]    --dry-run prints what it would run
set -euo pipefail
cd "$(dirname "$0")/.."

dry_run=0
if [[ "${1:-}" == "--dry-run" ]]; then dry_run=1; fi

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

# kind (cmd, file, or glob: any match will do), what, Debian package that provides it.
# ipxe-qemu: the PXE option ROM the web e2e test boots from; postgresql: the web service's
# tests run against a real PostgreSQL as well as the embedded one. wrk and curl: the image
# service's load and download figures in `npm run bench` (scripts/bench-web.ts).
# python3: its lzma module is the independent decoder for our LZMA writer (formats/lzma.ts).
# kmod: depmod, modprobe and modinfo check the module indexes we write (kernel/depmod.ts).
needs=(
  "cmd qemu-system-x86_64 qemu-system-x86"
  "file /usr/share/OVMF/OVMF_CODE_4M.fd ovmf"
  "cmd qemu-system-aarch64 qemu-system-arm"
  "file /usr/share/AAVMF/AAVMF_CODE.fd qemu-efi-aarch64"
  "cmd qemu-system-riscv64 qemu-system-misc"
  "file /usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin qemu-system-data"
  "file /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin u-boot-qemu"
  "cmd mkimage u-boot-tools"
  "file /usr/share/keyrings/debian-archive-keyring.gpg debian-archive-keyring"
  "cmd cpio cpio"
  "cmd zstd zstd"
  "cmd xz xz-utils"
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
)

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
  say "Debian tools: all present, nothing to install"
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
    say "Debian tools: installed"
  fi
fi

# npm writes node_modules/.package-lock.json on every install: it is our stamp.
reason=""
if [[ ! -f node_modules/.package-lock.json ]]; then
  reason="node_modules is missing"
elif [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  reason="package-lock.json is newer than node_modules"
fi
if [[ -z $reason ]]; then
  say "npm dependencies: up to date, npm ci skipped"
else
  if ! command -v npm >/dev/null 2>&1; then
    say "npm not found ($reason): install Node.js with npm, then rerun"
    exit 1
  fi
  say "npm ci: $reason"
  run npm ci --no-audit --no-fund
fi
