#!/usr/bin/env bash
# Byte-compare the images two checkouts write for the same specs: every example and every
# buildable `brokkr matrix` cell (as disk + iso, plus one root-partition cell). The baseline
# tree builds first (fresh resolve), the new tree then builds with --lock of the baseline's
# manifest, both with one SOURCE_DATE_EPOCH and the same package cache: one blob store of
# verified .debs (seeded from BROKKR_CACHE_DIR or ~/.cache/brokkr), while each tree keeps its
# own derived caches (unpacked tars, initramfs), whose layout may differ between the two.
#
#   scripts/compare-images.sh BASE_TREE NEW_TREE WORK_DIR [base|new|all]
#
# Prints one line per artifact: name, file, baseline sha256, new sha256, same|DIFFERENT.
# Limine cells are built only when BROKKR_LIMINE_DIR is set; otherwise listed as not compared.
# Exits 1 when any pair differs or a build fails.
set -euo pipefail
base=$(realpath "${1:?BASE_TREE}")
new=$(realpath "${2:?NEW_TREE}")
work=$(realpath -m "${3:?WORK_DIR}")
phase=${4:-all}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
# sid's InRelease on some mirrors is past its Valid-Until (docs/lab-notes.md); riscv64 reads sid.
export BROKKR_ALLOW_EXPIRED_RELEASE=1
export PATH="$new/node_modules/.bin:$PATH"
mkdir -p "$work/specs" "$work/base" "$work/new" "$work/blobs"
seed=${BROKKR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/brokkr}/blobs
[[ -d $seed ]] && cp -al "$seed/." "$work/blobs/" 2>/dev/null || true
for side in base new; do
  mkdir -p "$work/cache-$side"
  [[ -e $work/cache-$side/blobs ]] || ln -s "$work/blobs" "$work/cache-$side/blobs"
done

# The specs: the examples, then one file per buildable matrix cell (judged by the baseline).
cp "$base"/examples/*.yaml "$work/specs/"
(cd "$base" && node composer/src/cli.ts matrix --json) | node -e '
  const cells = JSON.parse(require("fs").readFileSync(0, "utf8"));
  for (const c of cells) {
    if (!c.build || !c.build.implemented) continue;
    const name = `cell-${c.arch}-${c.protocol}-${c.firmware}`.replace(/_/g, "-");
    const yaml = `name: ${name}\narch: ${c.arch}\nkernel: ${c.kernel}\nboot: { protocol: ${c.protocol}, firmware: ${c.firmware} }\noutputs: [disk, iso]\n`;
    require("fs").writeFileSync(`'"$work"'/specs/${name}.yaml`, yaml);
  }
  require("fs").writeFileSync(`'"$work"'/specs/cell-x86-64-uefi-partition.yaml`,
    "name: cell-x86-64-uefi-partition\narch: x86_64\nrootfs: { layout: partition }\noutputs: [disk]\n");
'

skipped=()
build() { # TREE SPEC OUT [LOCK]
  local tree=$1 spec=$2 out=$3 lock=${4:-}
  [[ -f $out/manifest.json ]] && return 0
  local side=new; [[ $tree == "$base" ]] && side=base
  (cd "$tree" && BROKKR_CACHE_DIR="$work/cache-$side" node composer/src/cli.ts build "$spec" --out "$out" ${lock:+--lock "$lock"}) >"$out.log" 2>&1 \
    || { echo "build failed: $tree $spec (log: $out.log)" >&2; tail -5 "$out.log" >&2; return 1; }
}

status=0
for spec in "$work"/specs/*.yaml; do
  name=$(basename "$spec" .yaml)
  if grep -q 'protocol: limine' "$spec" && [[ -z ${BROKKR_LIMINE_DIR:-} ]]; then
    skipped+=("$name"); continue
  fi
  if [[ $phase == base || $phase == all ]]; then build "$base" "$spec" "$work/base/$name" || status=1; fi
  if [[ $phase == new || $phase == all ]]; then
    build "$new" "$spec" "$work/new/$name" "$work/base/$name/manifest.json" || status=1
  fi
done

[[ $phase == base ]] && exit $status
printf '%-36s %-10s %-64s %-64s %s\n' spec file baseline new result
for spec in "$work"/specs/*.yaml; do
  name=$(basename "$spec" .yaml)
  for f in disk.img image.iso; do
    [[ -f $work/base/$name/$f || -f $work/new/$name/$f ]] || continue
    a=$(sha256sum "$work/base/$name/$f" 2>/dev/null | cut -d' ' -f1 || true)
    b=$(sha256sum "$work/new/$name/$f" 2>/dev/null | cut -d' ' -f1 || true)
    r=same; [[ -n $a && $a == "$b" ]] || { r=DIFFERENT; status=1; }
    printf '%-36s %-10s %-64s %-64s %s\n' "$name" "$f" "${a:-missing}" "${b:-missing}" "$r"
  done
done
for s in "${skipped[@]}"; do printf '%-36s not compared: BROKKR_LIMINE_DIR is not set\n' "$s"; done
exit $status
