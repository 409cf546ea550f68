// The JSON API for non-browser clients (CLI, CI): schematics and builds. Each handler is a few
// calls into the service; every refusal is a BrokkrError that sendError shapes and maps.
import type { IncomingMessage, ServerResponse } from "node:http";
import { stringify } from "yaml";
import { z } from "zod";
import { BrokkrError } from "@brokkr/composer";
import type { LockEntry } from "@brokkr/composer";
import { parseYamlText } from "@brokkr/composer";
import { depthProblem } from "@brokkr/composer";
import { LIMITS } from "@brokkr/composer";
import { debianPackagePattern } from "@brokkr/composer";
import { isBuildId, isSchematicId } from "../lib/service/ids.ts";
import { hasSecrets, redactSpec } from "../lib/spec/redact.ts";
import type { BrokkrService, BuildRecord, SchematicRecord } from "../lib/service/types.ts";
import { requestClient } from "./client-limits.ts";
import { badRequest, jsonBytes, mediaType, notFound, readBody, sendJson, sendJsonBytes } from "./http-util.ts";

const yamlTypes = new Set(["application/yaml", "text/yaml", "application/x-yaml", "text/x-yaml"]);

export async function postSchematic(
  svc: BrokkrService,
  req: IncomingMessage,
  res: ServerResponse,
  onCreated: (id: string) => Promise<void> | undefined = async () => {},
): Promise<void> {
  const type = mediaType(req);
  if (type !== "application/json" && !yamlTypes.has(type)) {
    throw new BrokkrError("service.unsupported-media-type", `a spec is sent as YAML or JSON, not '${type || "(none)"}'`, {
      hint: "set Content-Type: application/yaml (or text/yaml) or application/json",
    });
  }
  const text = decodeUtf8(await readBody(req));
  const value = type === "application/json" ? parseJson(text) : parseYamlText(text, "request body");
  const schematic = await svc.createSchematic(value);
  await onCreated(schematic.id);
  sendJson(req, res, 201, { id: schematic.id, spec: redactSpec(schematic.spec) }, { location: `/api/schematics/${schematic.id}` });
}

/** The spec itself, as JSON or (Accept: application/yaml) YAML; immutable, its ID is its hash. */
export async function getSchematic(svc: BrokkrService, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  const schematic = await findSchematic(svc, id);
  const etag = `"${schematic.id}"`;
  const common = { etag, "cache-control": "public, max-age=31536000, immutable", vary: "accept" };
  if (req.headers["if-none-match"]?.split(",").some((t) => t.trim() === etag)) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  if (wantsYaml(req.headers.accept)) {
    const note = hasSecrets(schematic.spec) ? "# password hashes are redacted: the ID covers them, the server never shows them\n" : "";
    const data = Buffer.from(`# schematic ${schematic.id}\n${note}${stringify(redactSpec(schematic.spec))}`);
    res.writeHead(200, { ...common, "content-type": "application/yaml; charset=utf-8", "content-length": data.length });
    res.end(req.method === "HEAD" ? undefined : data);
    return;
  }
  sendJsonBytes(req, res, 200, specJson(schematic), common);
}

// A schematic never changes and the service hands out the same record for every lookup, so
// its JSON is made once per record.
const specJsonOf = new WeakMap<SchematicRecord, Buffer>();

function specJson(schematic: SchematicRecord): Buffer {
  let data = specJsonOf.get(schematic);
  if (!data) {
    data = jsonBytes(redactSpec(schematic.spec));
    specJsonOf.set(schematic, data);
  }
  return data;
}

export async function listBuilds(svc: BrokkrService, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  await findSchematic(svc, id);
  sendJson(req, res, 200, { builds: (await svc.listBuilds(id)).map(withLinks) });
}

// The shape of a lock entry as Debian spells each field; what the lock may hold for this spec
// (only versions of the packages the spec installs) is the builder's check (plan.ts).
const lockSchema = z
  .array(
    z.object({
      package: z.string().regex(debianPackagePattern),
      version: z.string().regex(/^(?:[0-9]{1,9}:)?[0-9][A-Za-z0-9.+~-]{0,127}$/),
      arch: z.string().regex(/^[a-z0-9-]{1,32}$/),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  )
  .max(LIMITS.packages * 4);

/** POST /api/builds/:id/cancel: a queued build never starts, a running one is stopped; 409 once finished. */
export async function cancelBuild(svc: BrokkrService, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  await findBuild(svc, id);
  const build = await svc.cancelBuild(id);
  sendJson(req, res, 200, { build: withLinks(build) });
}

/** Body: none, or JSON `{ "lock": [...] }` (a manifest.json will do) to rebuild exact versions. */
export async function postBuild(svc: BrokkrService, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  if (!isSchematicId(id)) throw malformedSchematicId(id);
  const body = await readBody(req);
  let lock: LockEntry[] | undefined;
  if (body.length > 0) {
    if (mediaType(req) !== "application/json") {
      throw new BrokkrError("service.unsupported-media-type", "a build request body is JSON", {
        hint: 'send no body, or Content-Type: application/json with { "lock": [...] }',
      });
    }
    const doc = parseJson(decodeUtf8(body));
    const raw = doc !== null && typeof doc === "object" ? (doc as { lock?: unknown }).lock : undefined;
    if (raw !== undefined) {
      const parsed = lockSchema.safeParse(raw);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        const where = first ? `lock${first.path.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`)).join("")}` : "lock";
        throw badRequest(
          `the lock is not a list of { package, version, arch, sha256 } as Debian spells them (first bad field: ${where})`,
          "pass the lock of a manifest.json",
        );
      }
      lock = parsed.data;
    }
  }
  const build = await svc.startBuild(id, { ...(lock ? { lock } : {}), client: requestClient(req, svc.limits) });
  sendJson(req, res, 202, { buildId: build.id, status: build.status, build: withLinks(build) }, {
    location: `/api/builds/${build.id}`,
  });
}

export async function getBuild(svc: BrokkrService, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  sendJson(req, res, 200, withLinks(await findBuild(svc, id)));
}

export async function findSchematic(svc: BrokkrService, id: string): Promise<SchematicRecord> {
  if (!isSchematicId(id)) throw malformedSchematicId(id);
  const schematic = await svc.getSchematic(id);
  if (!schematic) throw notFound(`no schematic ${id}`, "POST the spec to /api/schematics first");
  return schematic;
}

export async function findBuild(svc: BrokkrService, id: string): Promise<BuildRecord> {
  if (!isBuildId(id)) throw badRequest(`'${id}' is not a build ID`, "a build ID is a UUID");
  const build = await svc.getBuild(id);
  if (!build) throw notFound(`no build ${id}`);
  return build;
}

function withLinks(b: BuildRecord) {
  return {
    ...b,
    log: `/api/builds/${b.id}/log`,
    artifacts: b.artifacts.map((a) => ({ ...a, url: `/api/builds/${b.id}/${a.file}` })),
  };
}

function malformedSchematicId(id: string): BrokkrError {
  return badRequest(`'${id}' is not a schematic ID`, "a schematic ID is 64 lowercase hex digits");
}

function wantsYaml(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(",").map((t) => t.split(";")[0]!.trim().toLowerCase());
  const yaml = types.findIndex((t) => yamlTypes.has(t));
  const json = types.indexOf("application/json");
  return yaml !== -1 && (json === -1 || yaml < json);
}

function decodeUtf8(body: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new BrokkrError("spec.parse", "the request body is not UTF-8 text");
  }
}

function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const pos = Number(/position (\d+)/.exec(message)?.[1] ?? 0);
    const before = text.slice(0, pos).split("\n");
    const line = before.length;
    const col = (before.at(-1)?.length ?? 0) + 1;
    throw new BrokkrError("spec.parse", `request body:${line}:${col}: ${message.split("\n")[0]}`, {
      details: { file: "request body", line, col },
      hint: "the body must be one JSON document",
    });
  }
  const tooDeep = depthProblem(value);
  if (tooDeep) throw new BrokkrError("spec.parse", `request body: ${tooDeep.message}`, { hint: tooDeep.hint });
  return value;
}
