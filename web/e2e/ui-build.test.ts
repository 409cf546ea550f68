// The UI with the image service behind it (node web/server/main.ts, a temp data dir): create a
// schematic and build it from the configurator, follow the live log, download an artifact,
// then the schematic page. Needs the Debian mirror, like the composer's own end-to-end tests.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import {
  chromiumMissing,
  ensureNextBuild,
  launchChromium,
  type RunningApp,
  type RunningBrowser,
  startServerApp,
} from "./ui-harness.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBrokkrUiTestKeyOnlyNotARealKeyAtAll0000 tester@e2e";
const BUILD_TIMEOUT_MS = 10 * 60_000;

async function waitForEnd(page: Page): Promise<string> {
  const status = page.getByTestId("build-status").first();
  await page.waitForFunction(
    () => /succeeded|failed/.test(document.querySelector("[data-testid=build-status]")?.textContent ?? ""),
    undefined,
    { timeout: BUILD_TIMEOUT_MS, polling: 500 },
  );
  return (await status.textContent()) ?? "";
}

describe("web UI with the image service", { skip: chromiumMissing }, () => {
  let app: RunningApp;
  let browser: RunningBrowser;
  let dataDir: string;
  let page: Page;
  let schematicId = "";
  let buildUrl = "";

  before(async () => {
    await ensureNextBuild();
    dataDir = await mkdtemp(join(tmpdir(), "brokkr-ui-data-"));
    app = await startServerApp(dataDir);
    browser = await launchChromium();
    page = await browser.context.newPage();
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test("the journey: fresh profile, visible labels only, to a downloaded disk.img", async () => {
    await page.goto(app.url);
    await page.getByLabel("Hostname").fill("ui-e2e");
    // The default image lets nobody in; the warning's own button fixes that, focus in the key field.
    await page.getByText("Nobody can log in").waitFor();
    await page.getByRole("button", { name: "Add a user with an SSH key" }).click();
    await page.keyboard.type(KEY);
    assert.equal(await page.getByLabel("Login name").inputValue(), "admin");
    await page.getByText("Nobody can log in").waitFor({ state: "detached" });
    await page.getByTestId("spec-valid").waitFor();
    schematicId = ((await page.getByTestId("schematic-id").textContent()) ?? "").trim();
    await page.getByRole("button", { name: "Create schematic & build" }).click();
    await page.waitForURL(/\/builds\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    buildUrl = page.url();
    // The service stored the spec under the ID the browser computed.
    assert.equal(await page.getByRole("link", { name: schematicId }).count(), 1);
    assert.match((await page.getByTestId("build-status").textContent()) ?? "", /queued|running/);

    // The log streams in while the build runs.
    await page.waitForFunction(
      () => Number(document.querySelector("[data-testid=log]")?.getAttribute("data-lines")) > 0,
    );
    assert.equal(await waitForEnd(page), "succeeded");
    await page.getByText(/lines · ended/).waitFor();
    const lines = Number(await page.getByTestId("log").getAttribute("data-lines"));
    assert.ok(lines >= 10, `${lines} log lines`);
    assert.match(
      (await page.locator(".xterm-rows").textContent()) ?? "",
      /building my-image \(x86_64, uefi\)/,
    );

    const stages = (await page.getByTestId("stages").textContent()) ?? "";
    for (const stage of ["feed", "resolve", "rootfs", "initramfs", "image"])
      assert.match(stage, new RegExp(stage));
    assert.doesNotMatch(stages, /running…/);

    // Download the disk image of this build; its sha256 and size are the ones in the table.
    const row = page.getByTestId("artifacts").locator("tr", { hasText: "disk.img" });
    const sha = await row.locator(".sha span[title]").getAttribute("title");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download disk.img of this build" }).click(),
    ]);
    const data = await readFile(await download.path());
    assert.equal(createHash("sha256").update(data).digest("hex"), sha);
    assert.equal(data.subarray(512, 520).toString("latin1"), "EFI PART", "a GPT disk");
    // The table says MB as the log does, to the same decimal.
    assert.match((await row.textContent()) ?? "", new RegExp(`${(data.length / 1e6).toFixed(1)} MB`));
    assert.match(
      (await page.getByTestId("login-hint").textContent()) ?? "",
      /ssh -p 2222 admin@127\.0\.0\.1/,
    );

    const qemu = (await page.getByTestId("qemu-command").textContent()) ?? "";
    assert.match(qemu, new RegExp(`/images/${schematicId}/disk\\.img`));
    assert.match(qemu, /OVMF_CODE_4M\.fd/);
    const pxe = ((await page.getByTestId("pxe-url").textContent()) ?? "").trim();
    assert.equal(pxe, `${app.url}/pxe/${schematicId}/boot.ipxe`);
    const script = await fetch(pxe);
    assert.equal(script.status, 200);
    assert.match(await script.text(), /^#!ipxe/);

    // The read-only terminal is no keyboard trap: Tab moves on.
    await page.locator(".xterm-helper-textarea").focus();
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.closest(".xterm") === null), true);

    // A reload replays the whole log from the first line.
    await page.reload();
    await page.getByText(/lines · ended/).waitFor();
    assert.equal(Number(await page.getByTestId("log").getAttribute("data-lines")), lines);
  });

  test("the schematic page shows the spec and its builds, builds again, and opens a copy", async () => {
    assert.ok(schematicId, "the first test stored a schematic");
    await page.goto(`${app.url}/s/${schematicId}`);
    assert.match((await page.getByTestId("spec-yaml").textContent()) ?? "", /hostname: ui-e2e/);
    const history = page.locator("table", { hasText: "Artifacts" });
    assert.equal(await history.locator("tbody tr").count(), 1);
    assert.equal(await history.getByTestId("build-status").textContent(), "succeeded");

    await page.getByRole("button", { name: "Build", exact: true }).click();
    await page.waitForURL(/\/builds\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    assert.notEqual(page.url(), buildUrl);
    assert.equal(await waitForEnd(page), "succeeded");

    await page.goto(`${app.url}/s/${schematicId}`);
    assert.equal(await page.locator("table", { hasText: "Artifacts" }).locator("tbody tr").count(), 2);
    await page.getByRole("link", { name: "Edit a copy" }).click();
    await page.waitForURL(/\/\?(from|spec)=/);
    assert.equal(await page.getByLabel("Hostname").inputValue(), "ui-e2e");
    assert.equal(((await page.getByTestId("schematic-id").textContent()) ?? "").trim(), schematicId);
  });

  test("Builds and Schematics list what this browser made; another browser sees none of it", async () => {
    await page.getByRole("link", { name: "Builds", exact: true }).click();
    const builds = page.getByTestId("my-builds");
    await builds.waitFor();
    assert.equal(await builds.locator("tbody tr").count(), 2);
    assert.deepEqual(await builds.getByTestId("build-status").allTextContents(), ["succeeded", "succeeded"]);
    // Newest first: the schematic page's rebuild is on top.
    const first = await builds.locator("tbody tr").first().getByRole("link").first().getAttribute("href");
    assert.notEqual(`${app.url}${first}`, buildUrl);
    assert.match((await page.getByTestId("pager").textContent()) ?? "", /Page 1 of 1 · 2 builds/);
    await page.getByLabel("Status").selectOption("failed");
    await page.getByText("No build matches.").waitFor();
    await page.getByLabel("Status").selectOption("succeeded");
    await builds.waitFor();

    await page.getByRole("link", { name: "Schematics", exact: true }).click();
    const mine = page.getByTestId("my-schematics");
    await mine.waitFor();
    assert.equal(await mine.locator("tbody tr").count(), 1);
    assert.equal(
      await mine.getByRole("link", { name: "my-image", exact: true }).getAttribute("href"),
      `/s/${schematicId}`,
    );

    const other = await launchChromium();
    try {
      const p = await other.context.newPage();
      await p.goto(`${app.url}/s`);
      await p.getByTestId("nothing-yet").waitFor();
    } finally {
      await other.close();
    }
    await page.getByRole("button", { name: "Forget my-image" }).click();
    await page.getByTestId("nothing-yet").waitFor();
  });
});
