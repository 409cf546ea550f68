// The Branding step in a real browser with the image service behind it: upload an image from
// the file input (reached by keyboard), see its thumbnail, find branding.splash in the YAML, and
// the service accepts the spec.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import sharp from "sharp";
import {
  chromiumMissing,
  ensureNextBuild,
  launchChromium,
  type RunningApp,
  type RunningBrowser,
  startServerApp,
} from "./ui-harness.ts";

describe("Branding step", { skip: chromiumMissing }, () => {
  let app: RunningApp;
  let browser: RunningBrowser;
  let dataDir: string;
  let page: Page;

  before(async () => {
    await ensureNextBuild();
    dataDir = await mkdtemp(join(tmpdir(), "brokkr-ui-branding-"));
    app = await startServerApp(dataDir);
    browser = await launchChromium();
    page = await browser.context.newPage();
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test("upload → thumbnail shown → YAML has branding.splash", async () => {
    await page.goto(`${app.url}/#step-branding`);
    const input = page.getByTestId("splash-file");
    // Keyboard: the file input itself takes the focus (the label only styles it).
    await input.focus();
    assert.equal(
      await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type),
      "file",
    );

    const png = await sharp({ create: { width: 1200, height: 600, channels: 3, background: "#c83c0a" } })
      .png()
      .toBuffer();
    await input.setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: png });
    const thumb = page.getByTestId("splash-thumbnail");
    await thumb.waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>("[data-testid=splash-thumbnail]");
      return img?.complete && img.naturalWidth > 0;
    });
    const size = await thumb.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
    assert.deepEqual(size, [256, 128]);
    const src = (await thumb.getAttribute("src")) ?? "";
    const id = /\/api\/assets\/([0-9a-f]{64})\/thumbnail\.png$/.exec(src)?.[1];
    assert.ok(id, src);
    assert.match(
      (await page.getByTestId("spec-yaml").textContent()) ?? "",
      new RegExp(`branding:\\s+splash: ${id}`),
    );
    await page.getByTestId("spec-valid").waitFor();

    // A broken file is refused with the server's message, and the splash stays.
    await input.setInputFiles({ name: "broken.png", mimeType: "image/png", buffer: png.subarray(0, 100) });
    await page.getByRole("alert").filter({ hasText: "cannot be read" }).waitFor({ timeout: 30_000 });
    assert.match((await page.getByTestId("spec-yaml").textContent()) ?? "", new RegExp(`splash: ${id}`));

    await page.getByRole("button", { name: "Remove splash" }).click();
    assert.doesNotMatch((await page.getByTestId("spec-yaml").textContent()) ?? "", /branding/);
  });
});
