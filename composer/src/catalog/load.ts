// Loads the catalog folders (kernel/, drivers/, ports/<category>/, systemd-units/<id>/) into
// maps keyed by id (= file or folder name). Every file is checked; all problems of all files
// are reported together, each naming the file and the field.
import { access, readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { BrokkrError, type Problem } from "../errors.ts";
import { getSettings } from "../settings/index.ts";
import { formatPath, issuesToProblems } from "../terms/problems.ts";
import { idPattern } from "../terms/patterns.ts";
import {
  type Catalog,
  type Driver,
  driverFileSchema,
  type Kernel,
  kernelFileSchema,
  type Port,
  portFileSchema,
  type Unit,
  unitFileSchema,
} from "./models.ts";

interface Found {
  id: string;
  file: string;
  /** Folder of the entry: the category for a port, the unit's own folder for a unit. */
  dir: string;
}

export async function loadCatalog(root: string = getSettings().root): Promise<Catalog> {
  const problems: Problem[] = [];
  const [kernelFiles, driverFiles, portFiles, unitFiles] = await Promise.all([
    listYaml(join(root, "kernel")),
    listYaml(join(root, "drivers")),
    listPorts(join(root, "ports")),
    listUnits(join(root, "systemd-units")),
  ]);
  const read = <S extends z.ZodType>(found: Found[], schema: S) =>
    Promise.all(found.map(async (f) => ({ found: f, doc: await readDoc(root, f, schema, problems) })));

  const [kernelDocs, driverDocs, portDocs, unitDocs] = await Promise.all([
    read(kernelFiles, kernelFileSchema),
    read(driverFiles, driverFileSchema),
    read(portFiles, portFileSchema),
    read(unitFiles, unitFileSchema),
  ]);

  const catalog: Catalog = { kernels: new Map(), drivers: new Map(), ports: new Map(), units: new Map() };
  for (const { found, doc } of kernelDocs)
    if (doc) catalog.kernels.set(found.id, { ...doc, id: found.id } as Kernel);
  for (const { found, doc } of driverDocs)
    if (doc) catalog.drivers.set(found.id, { ...doc, id: found.id } as Driver);
  for (const { found, doc } of portDocs) {
    if (!doc) continue;
    const other = catalog.ports.get(found.id);
    if (other) {
      problems.push({
        path: rel(root, found.file),
        message: `port id '${found.id}' is also used by ports/${other.category}/${found.id}.yaml`,
        hint: "port ids are unique across categories: rename one file",
      });
      continue;
    }
    catalog.ports.set(found.id, { ...doc, id: found.id, category: found.dir } as Port);
  }
  for (const { found, doc } of unitDocs) {
    if (doc)
      catalog.units.set(found.id, {
        ...doc,
        id: found.id,
        dir: join(root, "systemd-units", found.id),
      } as Unit);
  }

  problems.push(...checkKernels(catalog), ...(await checkUnitFiles(root, catalog)));
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new BrokkrError(
      "catalog.invalid",
      `${problems.length} problem(s) in the catalog, first ${first.path}: ${first.message}`,
      {
        problems,
        hint: "the catalog's JSON Schemas in schemas/ describe every field",
      },
    );
  }
  return catalog;
}

async function readDoc(root: string, found: Found, schema: z.ZodType, problems: Problem[]): Promise<unknown> {
  const where = rel(root, found.file);
  if (!idPattern.test(found.id)) {
    problems.push({
      path: where,
      message: `'${found.id}' is not a valid id (lowercase letters, digits and '-')`,
    });
    return undefined;
  }
  const textOrError = await readFile(found.file, "utf8").catch((e: NodeJS.ErrnoException) => e);
  if (typeof textOrError !== "string") {
    problems.push({ path: where, message: `cannot be read (${textOrError.code ?? textOrError.message})` });
    return undefined;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(textOrError, { uniqueKeys: true, prettyErrors: false, lineCounter });
  const err = doc.errors[0];
  if (err) {
    const pos = lineCounter.linePos(err.pos[0]);
    problems.push({ path: `${where}:${pos.line}:${pos.col}`, message: err.message.split("\n")[0]! });
    return undefined;
  }
  const value = doc.toJS();
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const p of issuesToProblems(result.error.issues, schema, value)) {
    problems.push({ ...p, path: p.path ? `${where}:${p.path}` : where });
  }
  return undefined;
}

function checkKernels(catalog: Catalog): Problem[] {
  const problems: Problem[] = [];
  for (const kernel of catalog.kernels.values()) {
    const where = `kernel/${kernel.id}.yaml`;
    const arches = Object.keys(kernel.arches).filter((a) => kernel.arches[a as keyof Kernel["arches"]]);
    if (arches.length === 0) problems.push({ path: `${where}:arches`, message: "names no architecture" });
    if (kernel.dom0 === undefined) continue;
    const dom0 = catalog.kernels.get(kernel.dom0);
    if (!dom0) {
      problems.push({ path: `${where}:dom0`, message: `no kernel/${kernel.dom0}.yaml` });
      continue;
    }
    for (const arch of arches) {
      if (!dom0.arches[arch as keyof Kernel["arches"]]) {
        problems.push({
          path: `${where}:${formatPath(["arches", arch])}`,
          message: `dom0 '${dom0.id}' has no ${arch} entry`,
        });
      }
    }
  }
  return problems;
}

async function checkUnitFiles(root: string, catalog: Catalog): Promise<Problem[]> {
  const checks = [...catalog.units.values()].flatMap((unit) =>
    unit.files.map(async (f, i): Promise<Problem | undefined> => {
      const ok = await access(join(unit.dir, f.path)).then(
        () => true,
        () => false,
      );
      if (ok) return undefined;
      return {
        path: `${rel(root, join(unit.dir, "unit.yaml"))}:files[${i}].path`,
        message: `'${f.path}' is not in ${rel(root, unit.dir)}/`,
      };
    }),
  );
  return (await Promise.all(checks)).filter((p) => p !== undefined);
}

async function listYaml(dir: string, category = ""): Promise<Found[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => n.endsWith(".yaml"))
    .sort()
    .map((n) => ({ id: n.slice(0, -".yaml".length), file: join(dir, n), dir: category }));
}

async function listPorts(dir: string): Promise<Found[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const categories = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return (await Promise.all(categories.map((c) => listYaml(join(dir, c), c)))).flat();
}

async function listUnits(dir: string): Promise<Found[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((id) => ({ id, file: join(dir, id, "unit.yaml"), dir: id }));
}

function rel(root: string, path: string): string {
  return relative(root, path).split("\\").join("/");
}
