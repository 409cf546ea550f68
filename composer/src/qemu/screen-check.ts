// Says what a screenshot shows, from a few pixel statistics, so a boot test can tell a desktop
// from a black screen, a text console or the firmware's splash without a reference image.
//
// Every picture is first scaled to 320 pixels wide (the fixtures are stored at that size, so
// they are analysed exactly like a full screenshot), then:
// - background: the most common colour, quantised to 4 bits per channel; `backgroundShare`
//   is its share of the pixels. Text consoles and firmware screens are mostly background.
// - `colours`: how many quantised colours each cover at least 0.1 % of the picture. Scaling
//   blends glyphs into a few greys; a desktop has many colours.
// - `filledShare`: the picture in 16×16-pixel cells; a cell is filled when at least 60 % of its
//   pixels differ from the background. Text covers a fraction of each cell (glyph strokes);
//   a logo, window, panel or wallpaper fills whole cells.
// - `edgeDensity`: the share of horizontally neighbouring pixel pairs whose luminance differs
//   by more than 32 (of 255): high for text, low for flat areas.

import sharp from "sharp";

export type ScreenKind = "blank" | "text-console" | "firmware" | "graphical";

export interface ScreenStats {
  width: number;
  height: number;
  backgroundShare: number;
  colours: number;
  filledShare: number;
  edgeDensity: number;
}

export interface ScreenVerdict {
  kind: ScreenKind;
  /** Why, in words, for a test failure or a log. */
  reason: string;
  stats: ScreenStats;
}

const WIDTH = 320;
const CELL = 16;

/** Reads an image file (or buffer) and computes the statistics above. */
export async function screenStats(input: string | Buffer): Promise<ScreenStats> {
  const { data, info } = await sharp(input)
    .removeAlpha()
    .resize({ width: WIDTH })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  const n = width * height;
  const bin = (i: number) => ((data[i]! >> 4) << 8) | ((data[i + 1]! >> 4) << 4) | (data[i + 2]! >> 4);
  const counts = new Map<number, number>();
  for (let p = 0; p < n; p++) {
    const b = bin(p * channels);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  let background = 0;
  let most = 0;
  for (const [b, c] of counts) {
    if (c > most) [background, most] = [b, c];
  }
  const colours = [...counts.values()].filter((c) => c >= n * 0.001).length;

  const cols = Math.floor(width / CELL);
  const rows = Math.floor(height / CELL);
  let filled = 0;
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols; cx++) {
      let differ = 0;
      for (let y = cy * CELL; y < (cy + 1) * CELL; y++) {
        for (let x = cx * CELL; x < (cx + 1) * CELL; x++) {
          if (bin((y * width + x) * channels) !== background) differ++;
        }
      }
      if (differ >= CELL * CELL * 0.6) filled++;
    }
  }

  const luma = (i: number) => 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
  let edges = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 1; x < width; x++) {
      const i = (y * width + x) * channels;
      if (Math.abs(luma(i) - luma(i - channels)) > 32) edges++;
    }
  }
  return {
    width,
    height,
    backgroundShare: most / n,
    colours,
    filledShare: cols * rows === 0 ? 0 : filled / (cols * rows),
    edgeDensity: edges / (height * (width - 1)),
  };
}

/** Classifies a screenshot; see the top of this file for what the numbers mean. */
export async function classifyScreen(input: string | Buffer): Promise<ScreenVerdict> {
  const stats = await screenStats(input);
  return { ...judge(stats), stats };
}

export function judge(s: ScreenStats): { kind: ScreenKind; reason: string } {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  if (s.backgroundShare >= 0.999) {
    return { kind: "blank", reason: `one colour covers ${pct(s.backgroundShare)}` };
  }
  if (s.backgroundShare < 0.6 || s.filledShare >= 0.25) {
    return {
      kind: "graphical",
      reason: `background only ${pct(s.backgroundShare)}, ${pct(s.filledShare)} of the cells filled, ${s.colours} colours`,
    };
  }
  if (s.filledShare > 0) {
    return {
      kind: "firmware",
      reason: `mostly background (${pct(s.backgroundShare)}) with one small filled area (${pct(s.filledShare)} of the cells): a logo`,
    };
  }
  return {
    kind: "text-console",
    reason: `mostly background (${pct(s.backgroundShare)}), no filled cells, edge density ${pct(s.edgeDensity)}: glyphs`,
  };
}
