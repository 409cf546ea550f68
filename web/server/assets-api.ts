// Branding uploads: POST /api/assets takes one image (the raw body with its Content-Type, or a
// multipart/form-data file field) and answers the converted splash's ID; GET serves the splash
// BMP and the thumbnail from the store.
import type { IncomingMessage, ServerResponse } from "node:http";
import { BrokkrError } from "@brokkr/composer";
import { isSha256 } from "../lib/service/ids.ts";
import type { AssetRecord, BrokkrService } from "../lib/service/types.ts";
import { badRequest, mediaType, notFound, readBody, sendJson } from "./http-util.ts";
import { sendArtifact } from "./send-file.ts";

export const maxAssetBytes = 5 * 1024 * 1024;
export const imageTypes = new Set(["image/png", "image/jpeg", "image/webp", "image/svg+xml"]);
/** A form part without a useful type: sharp recognizes the format from the bytes. */
const untypedParts = new Set(["", "application/octet-stream"]);

export async function postAsset(svc: BrokkrService, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const type = mediaType(req);
  if (type !== "multipart/form-data" && !imageTypes.has(type)) throw unsupported(type);
  const body = await readBody(req, maxAssetBytes).catch((err: unknown) => {
    throw err instanceof BrokkrError && err.code === "service.too-large"
      ? new BrokkrError("service.too-large", `an image upload is at most ${maxAssetBytes / 1024 / 1024} MiB`, {
          hint: "scale the image down; the splash is shown at most 800×600",
        })
      : err;
  });
  const upload = type === "multipart/form-data" ? await fileFromForm(req, body) : { data: body, name: "" };
  if (upload.data.length === 0) throw badRequest("the image is empty");
  const asset = await svc.addSplash(upload.data, { name: upload.name });
  sendJson(req, res, 201, describeAsset(asset), { location: `/api/assets/${asset.id}` });
}

export async function getAsset(svc: BrokkrService, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  sendJson(req, res, 200, describeAsset(await findAsset(svc, id)));
}

export async function getAssetFile(svc: BrokkrService, req: IncomingMessage, res: ServerResponse, id: string, file: string): Promise<void> {
  const asset = await findAsset(svc, id);
  if (file === "splash.bmp") {
    await sendArtifact(req, res, { file, sha256: asset.id, size: asset.size }, svc.store, { immutable: true });
    return;
  }
  if (file !== "thumbnail.png" || !asset.thumbnail) throw notFound(`asset ${id} has no file '${file}'`, "ask for splash.bmp or thumbnail.png");
  // The row does not keep the thumbnail's size; sendArtifact reports a missing file.
  const size = (await svc.store.size(asset.thumbnail)) ?? -1;
  await sendArtifact(req, res, { file, sha256: asset.thumbnail, size }, svc.store, { immutable: true });
}

export function describeAsset(a: AssetRecord) {
  return {
    id: a.id,
    width: a.width,
    height: a.height,
    size: a.size,
    name: a.name,
    splash: `/api/assets/${a.id}/splash.bmp`,
    thumbnail: `/api/assets/${a.id}/thumbnail.png`,
  };
}

async function findAsset(svc: BrokkrService, id: string): Promise<AssetRecord> {
  if (!isSha256(id)) throw badRequest(`'${id}' is not an asset ID`, "an asset ID is the sha256 of the splash: 64 lowercase hex digits");
  const asset = await svc.getAsset(id);
  if (!asset) throw notFound(`no asset ${id}`, "POST the image to /api/assets first");
  return asset;
}

/** The first file field of a multipart body (undici's parser, as fetch's Request.formData). */
async function fileFromForm(req: IncomingMessage, body: Buffer): Promise<{ data: Buffer; name: string }> {
  let form: FormData;
  try {
    form = await new Request("http://localhost/", {
      method: "POST",
      headers: { "content-type": req.headers["content-type"] ?? "" },
      body,
    }).formData();
  } catch {
    throw badRequest("the multipart/form-data body cannot be parsed", "send one file field, e.g. curl -F file=@logo.png");
  }
  const file = [...form.values()].find((v): v is File => typeof v !== "string");
  if (!file) throw badRequest("the form has no file field", "send the image as a file field, e.g. curl -F file=@logo.png");
  const partType = file.type.split(";")[0]!.trim().toLowerCase();
  if (!imageTypes.has(partType) && !untypedParts.has(partType)) throw unsupported(partType);
  return { data: Buffer.from(await file.arrayBuffer()), name: file.name };
}

function unsupported(type: string): BrokkrError {
  return new BrokkrError("service.unsupported-media-type", `an image upload is PNG, JPEG, WebP or SVG, not '${type || "(none)"}'`, {
    hint: "send the image with Content-Type image/png, image/jpeg, image/webp or image/svg+xml, or as a multipart/form-data file",
  });
}
