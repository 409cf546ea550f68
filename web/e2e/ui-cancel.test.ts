// The build page's Cancel button, in Chromium against the real server and builder: a running
// build stops, shows "cancelled", and offers no artifacts.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  chromiumMissing,
  ensureNextBuild,
  launchChromium,
  repoRoot,
  type RunningApp,
  type RunningBrowser,
  startServerApp,
} from "./ui-harness.ts";

describe("cancelling a build from its page", { skip: chromiumMissing }, () => {
  let app: RunningApp;
  let browser: RunningBrowser;
  let dataDir: string;

  before(async () => {
    await ensureNextBuild();
    dataDir = await mkdtemp(join(tmpdir(), "brokkr-ui-cancel-"));
    app = await startServerApp(dataDir);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test("Cancel build stops a running build; the page says cancelled and lists no artifacts", async () => {
    const spec = await readFile(join(repoRoot, "examples/minimal.yaml"), "utf8");
    const created = await fetch(`${app.url}/api/schematics`, {
      method: "POST",
      headers: { "content-type": "application/yaml" },
      body: spec.replace("name: minimal", "name: cancel-me"),
    });
    const { id } = (await created.json()) as { id: string };
    const { buildId } = (await (
      await fetch(`${app.url}/api/schematics/${id}/builds`, { method: "POST" })
    ).json()) as { buildId: string };
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/builds/${buildId}`);
    await page.getByRole("button", { name: "Cancel build" }).click();
    await page.waitForFunction(
      () => document.querySelector("[data-testid=build-status]")?.textContent === "cancelled",
      undefined,
      { timeout: 60_000, polling: 250 },
    );
    assert.equal(
      await page.getByRole("button", { name: "Cancel build" }).count(),
      0,
      "nothing left to cancel",
    );
    assert.equal(await page.getByRole("heading", { name: "Artifacts" }).count(), 0);
    const b = (await (await fetch(`${app.url}/api/builds/${buildId}`)).json()) as {
      status: string;
      artifacts: unknown[];
    };
    assert.deepEqual([b.status, b.artifacts], ["cancelled", []]);
  });
});
