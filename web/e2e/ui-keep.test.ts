// Never lose work: the form lives in the address bar (reload, back button, a shared link) and
// the password hashes only in this browser's local storage, never in the URL.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { decodeSpecParam } from "../lib/spec/spec-url.ts";
import {
  chromiumMissing,
  ensureNextBuild,
  launchChromium,
  type RunningApp,
  type RunningBrowser,
  startNext,
  watchedPage,
} from "./ui-harness.ts";

const HASH = "$y$j9T$abcdefghijklmnop$0123456789012345678901234567890123456789012";

/** The form as the address bar holds it, once it shows `hostname`. */
async function specInUrl(page: Page, hostname: string) {
  await page.waitForURL((url) => decodeSpecParam(url.searchParams.get("spec"))?.system.hostname === hostname);
  return decodeSpecParam(new URL(page.url()).searchParams.get("spec"))!;
}

describe("the configurator keeps the work", { skip: chromiumMissing }, () => {
  let app: RunningApp;
  let browser: RunningBrowser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    await ensureNextBuild();
    app = await startNext();
    browser = await launchChromium();
    page = await watchedPage(browser, errors);
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  test("the URL holds the form, without the password hashes", async () => {
    await page.goto(app.url);
    await page.getByTestId("schematic-id").waitFor();
    await page.locator('input[name="arch"][value="aarch64"]').check();
    await page.getByRole("button", { name: "+ Add user" }).click();
    await page.getByLabel("Login name").fill("alice");
    await page.getByLabel("Password hash (optional)", { exact: true }).fill(HASH);
    await page.getByLabel("Root password hash (optional)").fill(HASH);
    await page.getByLabel("Hostname").fill("kept-host");
    const spec = await specInUrl(page, "kept-host");
    assert.equal(spec.arch, "aarch64");
    assert.equal(spec.system.users[0]?.name, "alice");
    assert.equal(spec.system.users[0]?.passwordHash, null);
    assert.equal(spec.system.rootPassword, null);
    assert.ok(!decodeURIComponent(page.url()).includes("j9T"), page.url());
    const stored = await page.evaluate(() => JSON.stringify(window.localStorage));
    assert.ok(stored.includes("j9T"), "the hashes are kept in local storage");
  });

  test("a reload brings back the form and the hashes", async () => {
    await page.reload();
    await page.getByTestId("schematic-id").waitFor();
    // The hashes come from local storage once the page is live (after hydration).
    await page.waitForFunction(
      () => (document.getElementById("field-system-rootPassword") as HTMLInputElement | null)?.value !== "",
      undefined,
      { timeout: 5000 },
    );
    assert.equal(await page.getByLabel("Hostname").inputValue(), "kept-host");
    assert.equal(await page.locator('input[name="arch"][value="aarch64"]').isChecked(), true);
    assert.equal(await page.getByLabel("Login name").inputValue(), "alice");
    assert.equal(await page.getByLabel("Password hash (optional)", { exact: true }).inputValue(), HASH);
    assert.equal(await page.getByLabel("Root password hash (optional)").inputValue(), HASH);
  });

  test("the back button comes back to the form as it was", async () => {
    await page.getByLabel("Hostname").fill("before-catalog");
    await specInUrl(page, "before-catalog");
    await page.getByRole("link", { name: "Catalog", exact: true }).click();
    await page.waitForURL(/\/catalog/);
    await page.goBack();
    await page.getByTestId("schematic-id").waitFor();
    assert.equal(await page.getByLabel("Hostname").inputValue(), "before-catalog");
    assert.equal(await page.getByLabel("Login name").inputValue(), "alice");
    assert.equal(await page.getByLabel("Password hash (optional)", { exact: true }).inputValue(), HASH);
  });

  test("the shared link opens the same form elsewhere, without the hashes", async () => {
    const link = page.url();
    const other = await launchChromium();
    try {
      const p = await other.context.newPage();
      await p.goto(link);
      await p.getByTestId("schematic-id").waitFor();
      assert.equal(await p.getByLabel("Hostname").inputValue(), "before-catalog");
      assert.equal(await p.getByLabel("Login name").inputValue(), "alice");
      assert.equal(await p.getByLabel("Password hash (optional)", { exact: true }).inputValue(), "");
      assert.equal(await p.getByLabel("Root password hash (optional)").inputValue(), "");
    } finally {
      await other.close();
    }
  });

  test("the browser logged no error", () => {
    assert.deepEqual(errors, []);
  });
});
