// Branding images: an upload (PNG, JPEG, WebP, SVG) becomes the UKI's boot splash — a 24-bit
// BMP, the format systemd-stub draws — and a PNG thumbnail for the UI. sharp decodes and
// scales; it cannot write BMP, so the header is ours (composer/src/formats/bmp.ts).
import sharp from "sharp";
import { BrokkrError } from "@brokkr/composer";
import { writeBmp24 } from "@brokkr/composer";

/** Larger inputs are refused before decoding: a small file can declare a huge canvas. */
export const maxInputPixels = 4096 * 4096;
/** The splash fits in this box (aspect kept, never enlarged): it is drawn centred at boot. */
export const splashBox = { width: 800, height: 600 };
export const thumbnailSize = 256;

const formats = new Set(["png", "jpeg", "webp", "svg"]);

export interface SplashImage {
  bmp: Buffer;
  thumbnail: Buffer;
  width: number;
  height: number;
}

export async function convertSplash(input: Buffer): Promise<SplashImage> {
  const meta = await sharp(input).metadata().catch((err: unknown) => {
    throw decodeError(err, "its declared size");
  });
  if (!meta.format || !formats.has(meta.format)) {
    throw new BrokkrError("service.unsupported-media-type", `a splash is a PNG, JPEG, WebP or SVG image, not ${meta.format ?? "this"}`, {
      hint: "convert the image to PNG first",
    });
  }
  if ((meta.width ?? 0) * (meta.height ?? 0) > maxInputPixels) throw tooManyPixels(`${meta.width}×${meta.height}`);
  // Alpha is laid over black, the usual boot background; EXIF orientation is applied.
  const { data, info } = await sharp(input, { limitInputPixels: maxInputPixels })
    .rotate()
    .resize({ ...splashBox, fit: "inside", withoutEnlargement: true })
    .flatten({ background: "#000000" })
    .toColourspace("srgb")
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((err: unknown) => {
      throw decodeError(err, "its decoded size");
    });
  if (info.channels !== 3) throw new BrokkrError("internal", `sharp gave ${info.channels} channels, expected RGB`);
  // The thumbnail shows what the boot will show: made from the converted pixels.
  const thumbnail = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } })
    .resize({ width: thumbnailSize, height: thumbnailSize, fit: "inside", withoutEnlargement: true })
    .png({ compressionLevel: 9 })
    .toBuffer();
  return { bmp: writeBmp24(data, info.width, info.height), thumbnail, width: info.width, height: info.height };
}

function tooManyPixels(size: string): BrokkrError {
  return new BrokkrError("service.too-large", `the image (${size}) has more than 4096×4096 pixels`, {
    hint: `scale it down; the splash is shown at most ${splashBox.width}×${splashBox.height}`,
  });
}

function decodeError(err: unknown, size: string): BrokkrError {
  return /pixel limit/i.test(String(err)) ? tooManyPixels(size) : unreadable(err);
}

function unreadable(err: unknown): BrokkrError {
  const why = (err instanceof Error ? err.message : String(err)).split("\n")[0];
  return new BrokkrError("asset.invalid", `the image cannot be read: ${why}`, {
    hint: "upload a valid PNG, JPEG, WebP or SVG file",
    cause: err,
  });
}
