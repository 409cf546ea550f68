#!/usr/bin/env bash
# `npm run check:fresh-machine`: the README's main command on machines that have never seen
# Brokkr, end to end. Each case runs on a clean `git clone` of this repository's HEAD:
#   debian  a minimal Debian bookworm root made with debootstrap (no Node, no npm, no QEMU),
#           entered with chroot
#   npm12   this machine with npm 12 as its `npm` (installed under the temp dir, first on PATH)
#   host    this machine with its own npm (not run unless named)
# In each, the quick start's first command runs verbatim (read from README.md) with PORT on a
# free loopback port; then scripts/build-through-api.ts waits for the configurator, builds
# examples/minimal.yaml through the HTTP API and checks the downloaded disk.img's sha256.
# Needs root (debootstrap, chroot, mounts). All of it lives in one directory under /var/tmp,
# removed at the end with the mounts and every process the check started (kept, unmounted,
# when BROKKR_FRESH_KEEP is set, to look into a failure).
#   bash scripts/check-fresh-machine.sh [debian] [npm12] [host]     (default: debian npm12)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
node24="$repo/node_modules/.bin/node" # runs the API client and the mirror lookup, never the cases
cases=("$@")
((${#cases[@]} > 0)) || cases=(debian npm12)
for c in "${cases[@]}"; do
  [[ $c == debian || $c == npm12 || $c == host ]] || { echo "fresh-machine: unknown case '$c' (debian, npm12, host)" >&2; exit 2; }
done

say() { echo "fresh-machine: $*"; }
fail() { say "FAILED: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || fail "needs root for debootstrap, chroot and mounts: run it as root"
[[ -x $node24 ]] || fail "no Node 24 in node_modules: run ./brokkr.sh test (or npm ci) first"
minutes() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# The quick start's first command, exactly as a reader would paste it (comment stripped).
main_command=$(awk '/^## Quick start/ { q = 1 } q && /^```sh/ { getline; print; exit }' "$repo/README.md" | sed 's/[[:space:]]*#.*//')
[[ -n $main_command ]] || fail "no \`\`\`sh block under '## Quick start' in README.md"
say "main command: $main_command"

# Each case starts from an empty environment (env -i) but for the site's extra CA certificates.
ca_env=()
[[ -z ${NODE_EXTRA_CA_CERTS:-} ]] || ca_env=(NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS")

work=$(mktemp -d /var/tmp/brokkr-fresh.XXXXXX)
mounts=()
server_pids=()
root="$work/root"

stop_server() {
  local pid=$1 i
  kill -TERM -- "-$pid" 2>/dev/null || return 0
  for i in $(seq 20); do
    kill -0 -- "-$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
}

cleanup() {
  local pid p
  for pid in "${server_pids[@]}"; do stop_server "$pid"; done
  # Anything still running inside our root was started by us (the chroot is ours alone).
  for p in /proc/[0-9]*; do
    [[ $(readlink "$p/root" 2>/dev/null) == "$root" ]] && kill -KILL "${p#/proc/}" 2>/dev/null
  done
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" || true
  done
  if grep -q " $work/" /proc/mounts; then
    say "left $work in place: something is still mounted under it" >&2
  elif [[ -n ${BROKKR_FRESH_KEEP:-} ]]; then
    say "BROKKR_FRESH_KEEP is set: left $work in place (remove it with rm -rf --one-file-system)"
  else
    rm -rf --one-file-system "$work"
  fi
}
trap cleanup EXIT

free_port() {
  "$node24" -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

# Starts the main command in its own session (so one signal to its process group stops it all),
# then builds through the API. $1: case name, $2: port, rest: the command that starts it.
run_case() {
  local name=$1 port=$2 t0=$SECONDS pid
  shift 2
  setsid "$@" >"$work/$name-server.log" 2>&1 &
  pid=$!
  server_pids+=("$pid")
  say "$name: started the main command (pid $pid, log below on failure)"
  if ! "$node24" "$repo/scripts/build-through-api.ts" "http://127.0.0.1:$port" "$repo/examples/minimal.yaml" \
    "$work/$name-disk.img" --pid "$pid" --wait-seconds 2700 | tee "$work/$name-api.log"; then
    tail -n 60 "$work/$name-server.log" >&2
    fail "$name: the main command did not serve a working image service"
  fi
  stop_server "$pid"
  results+=("$name: PASS, main command to disk.img in $(minutes $((SECONDS - t0)))")
}

check_debian() {
  local t0=$SECONDS mirror port
  if ! command -v debootstrap >/dev/null; then
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap </dev/null >/dev/null
  fi
  # The mirror of this machine's apt sources (or BROKKR_MIRROR), as Brokkr itself finds it.
  mirror=$("$node24" --input-type=module -e \
    "import { findMirror } from '$repo/composer/src/feeds/debian/mirror.ts'; console.log(findMirror())")
  say "debian: debootstrap --variant=minbase bookworm from the host's mirror"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 30 "$work/debootstrap.log" >&2; fail "debootstrap failed"; }
  local t_root=$((SECONDS - t0))
  if chroot "$root" /bin/sh -c 'command -v node || command -v npm || command -v qemu-system-x86_64'; then
    fail "the fresh root already has Node, npm or QEMU"
  fi
  git clone -q "$repo" "$root/root/brokkr"
  cp -L /etc/resolv.conf "$root/etc/resolv.conf"
  # The site's own TLS trust carries over like its DNS and mirror: local CA certificates (a
  # TLS-inspecting proxy's, say) join the root's bundle when apt installs ca-certificates.
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp -L /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/" 2>/dev/null || true
  mount -t proc proc "$root/proc" && mounts+=("$root/proc")
  mount -t sysfs sysfs "$root/sys" && mounts+=("$root/sys")
  mount --bind /dev "$root/dev" && mounts+=("$root/dev")
  mount --bind /dev/pts "$root/dev/pts" && mounts+=("$root/dev/pts")
  port=$(free_port)
  run_case debian "$port" env -i HOME=/root LANG=C.UTF-8 CI=true PORT="$port" HOST=127.0.0.1 "${ca_env[@]}" \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    chroot "$root" /bin/bash -c "cd /root/brokkr && $main_command"
  results[-1]+=" (+ debootstrap $(minutes "$t_root"))"
  say "${results[-1]}"
  if chroot "$root" /bin/sh -c 'command -v qemu-system-x86_64 || command -v chromium || command -v wrk'; then
    fail "debian: the main command installed test-only tools"
  fi
}

# A clean clone on this machine, with npm 12 first on PATH ($1 = 12) or the machine's own npm.
check_npm() {
  local name=$1 want=$2 clone="$work/$1-clone" path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  local port version
  if [[ $want != host ]]; then
    say "$name: installing npm $want under $work/$name"
    # A local install: a global one refuses npm 12 on a host node older than 22.
    npm install --prefix "$work/$name" --no-audit --no-fund --no-package-lock "npm@$want" >"$work/$name-install.log" 2>&1 ||
      { tail -n 30 "$work/$name-install.log" >&2; fail "cannot install npm $want"; }
    path="$work/$name/node_modules/.bin:$path"
  fi
  version=$(PATH="$path" npm --version 2>/dev/null)
  [[ $want == host || $version == "$want".* ]] || fail "$name: npm on PATH is $version, not $want"
  git clone -q "$repo" "$clone"
  port=$(free_port)
  run_case "$name" "$port" env -i HOME="$HOME" LANG=C.UTF-8 CI=true PORT="$port" HOST=127.0.0.1 "${ca_env[@]}" PATH="$path" \
    bash -c "cd '$clone' && $main_command"
  grep -qF "npm ci with npm $version:" "$work/$name-server.log" || fail "$name: npm ci did not run with npm $version"
  if grep -Ei "scripts blocked|not covered by allowScripts" "$work/$name-server.log"; then
    fail "$name: npm $version reports install scripts that allowScripts does not cover"
  fi
  results[-1]+=" (npm $version, $(PATH="$path" node --version) as the host's node)"
  say "${results[-1]}"
}

check_npm12() { check_npm npm12 12; }
check_host() { check_npm host host; }

results=()
started=$SECONDS
for c in "${cases[@]}"; do "check_$c"; done
for r in "${results[@]}"; do say "$r"; done
say "all cases passed in $(minutes $((SECONDS - started))) on $(date -u +%F)"
