// A rough size of the image before anything is resolved: the minimal image as measured (52 MB,
// of which ~4 MB are openssh-server), plus a per-package guess for each port, larger for the packages known to
// pull a big dependency tree. Labelled as an estimate wherever it is shown.
import type { Catalog } from "@brokkr/composer/browser";
import type { ImageSpec } from "@brokkr/composer/browser";

/** Kernel, systemd and the required base set, zstd-compressed in the UKI. */
const BASE_MB = 48;
const PER_PACKAGE_MB = 1.5;
const PER_FIRMWARE_PACKAGE_MB = 20;
/** Compressed size with dependencies, for the packages that are far from the average. */
const HEAVY_MB: Record<string, number> = {
  "openssh-server": 4,
  "firefox-esr": 90,
  "golang-go": 110,
  "openjdk-21-jre-headless": 80,
  "build-essential": 70,
  gdb: 15,
  sway: 30,
  weston: 20,
  "libgl1-mesa-dri": 25,
  xwayland: 10,
  "gnome-calculator": 45,
  "adwaita-icon-theme": 12,
  kcalc: 110,
  konversation: 120,
  "breeze-icon-theme": 20,
  podman: 45,
  python3: 12,
  nodejs: 20,
  perl: 8,
  git: 12,
  "network-manager": 12,
  modemmanager: 8,
  neovim: 8,
  vim: 6,
};

export interface SizeEstimate {
  totalMB: number;
  packages: number;
}

export function estimateSize(spec: ImageSpec, catalog: Catalog): SizeEstimate {
  const packages = new Set(spec.packages);
  for (const id of spec.ports) for (const p of catalog.ports.get(id)?.packages ?? []) packages.add(p);
  const firmware = new Set<string>();
  for (const id of spec.drivers)
    for (const p of catalog.drivers.get(id)?.firmwarePackages ?? []) firmware.add(p);
  let mb = BASE_MB + firmware.size * PER_FIRMWARE_PACKAGE_MB;
  for (const p of packages) mb += HEAVY_MB[p] ?? PER_PACKAGE_MB;
  return { totalMB: Math.round(mb), packages: packages.size + firmware.size };
}
