// Picks the kernel modules that the chosen drivers need, with their dependency closure taken
// from each module's own `depends=` (the kernel package ships no modules.dep: depmod makes it
// in the postinst, which we never run; depmod.ts writes the indexes for what we pick instead).
import { BrokkrError } from "../errors.ts";
import { decompress, kindFromName } from "../util/decompress.ts";
import { readModinfo } from "./modinfo.ts";

export interface KernelFile {
  /** Path inside the package with merged /usr applied: "usr/lib/modules/<ver>/...". */
  path: string;
  data: Buffer;
}

export interface ModuleSelection {
  release: string;
  /** Module files to install, sorted by path. */
  files: KernelFile[];
  /** Support files the indexes are made from and kmod reads (modules.order, modules.builtin*). */
  support: KernelFile[];
  /** Requested names that are built into the kernel (nothing to install). */
  builtin: string[];
  /** The uncompressed ELF of each file in `files`, by path (read anyway for depends=). */
  elfs: Map<string, Buffer>;
}

const canon = (name: string) => name.replace(/-/g, "_");
const moduleName = (path: string) => canon(path.slice(path.lastIndexOf("/") + 1).replace(/\.ko(\.(xz|zst|gz))?$/, ""));

export async function selectModules(files: KernelFile[], wanted: string[]): Promise<ModuleSelection> {
  const moduleRoot = /^usr\/lib\/modules\/([^/]+)\//;
  const release = files.map((f) => moduleRoot.exec(f.path)?.[1]).find(Boolean);
  if (!release) {
    throw new BrokkrError("kernel.module-missing", "the kernel package has no usr/lib/modules/<release>/ tree");
  }
  const byName = new Map<string, KernelFile>();
  const support: KernelFile[] = [];
  let builtinText = "";
  for (const f of files) {
    if (!f.path.startsWith(`usr/lib/modules/${release}/`)) continue;
    if (/\.ko(\.(xz|zst|gz))?$/.test(f.path)) byName.set(moduleName(f.path), f);
    else if (/\/modules\.(order|builtin|builtin\.modinfo)$/.test(f.path)) {
      support.push(f);
      if (f.path.endsWith("/modules.builtin")) builtinText = f.data.toString("utf8");
    }
  }
  const builtins = new Set(builtinText.split("\n").filter(Boolean).map(moduleName));

  const chosen = new Map<string, KernelFile>();
  const elfs = new Map<string, Buffer>();
  const builtin: string[] = [];
  const missing: string[] = [];
  const queue = wanted.map(canon);
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (chosen.has(name)) continue;
    const file = byName.get(name);
    if (!file) {
      if (builtins.has(name)) builtin.push(name);
      else missing.push(name);
      continue;
    }
    chosen.set(name, file);
    const kind = kindFromName(file.path);
    const elf = kind === "none" ? file.data : await decompress(file.data, kind);
    elfs.set(file.path, elf);
    for (const dep of readModinfo(elf, file.path).get("depends") ?? []) {
      for (const d of dep.split(",").filter(Boolean)) queue.push(canon(d));
    }
  }
  if (missing.length > 0) {
    throw new BrokkrError("kernel.module-missing", `kernel ${release} has no module ${missing.join(", ")}`, {
      hint: "check the driver's module names against the kernel package (modules.builtin lists built-ins)",
    });
  }
  return {
    release,
    files: [...chosen.values()].sort((a, b) => (a.path < b.path ? -1 : 1)),
    support: support.sort((a, b) => (a.path < b.path ? -1 : 1)),
    builtin: [...new Set(builtin)].sort(),
    elfs,
  };
}

/**
 * `wanted` and their dependencies as uncompressed module files, each after the ones it needs:
 * the order a plain `insmod` (busybox's, which cannot read .ko.xz) must load them in.
 * Built-in names are skipped.
 */
export async function moduleLoadOrder(files: KernelFile[], wanted: string[]): Promise<{ name: string; data: Buffer }[]> {
  const sel = await selectModules(files, wanted);
  const chosen = new Map(sel.files.map((f) => [moduleName(f.path), f.path]));
  const order: { name: string; data: Buffer }[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const path = chosen.get(name);
    if (!path) return; // built in (selectModules has thrown for names that are neither)
    const elf = sel.elfs.get(path)!; // decompressed once, by selectModules
    for (const dep of readModinfo(elf, path).get("depends") ?? []) {
      for (const d of dep.split(",").filter(Boolean)) visit(canon(d));
    }
    order.push({ name, data: elf });
  };
  // In the order asked for: a soft dependency (libcrc32c needs a crc32c provider loaded first,
  // which `depends=` does not say) is met by asking for the provider earlier.
  for (const name of wanted) visit(canon(name));
  for (const f of sel.files) visit(moduleName(f.path));
  return order;
}
