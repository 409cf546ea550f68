// Never crash: hostile text in every text field of the configurator. The page must never swap
// itself for the error screen, the browser must log no error, each bad value must be named next
// to its own field, and the rest of the form must keep working.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import {
  chromiumMissing,
  ensureNextBuild,
  launchChromium,
  type RunningApp,
  type RunningBrowser,
  startNext,
  watchedPage,
} from "./ui-harness.ts";

/** Pasted binary: every byte value as a character, and a lone surrogate half. */
const BINARY = `${Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("")}\ud800`;

const HOSTILE: [label: string, text: string][] = [
  ["capitals", "MyImage"],
  ["a space", "my image"],
  ["an underscore", "my_image"],
  ["a leading -", "-image"],
  ["nothing", ""],
  ["emoji", "🦀🔥"],
  ["10,000 characters", "a".repeat(10_000)],
  ["control characters", "a\u0000b\u0007\u001b[31mc\r\n\t"],
  ["binary", BINARY],
];

/** Every text input and text area on the page that a person can type into. */
const TEXT_FIELDS =
  'input[type="text"]:visible, input[type="search"]:visible, input:not([type]):visible, textarea:visible';

describe("the configurator under hostile typing", { skip: chromiumMissing }, () => {
  let app: RunningApp;
  let browser: RunningBrowser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    await ensureNextBuild();
    app = await startNext();
    browser = await launchChromium();
    page = await watchedPage(browser, errors);
    await page.goto(app.url);
    await page.getByTestId("schematic-id").waitFor();
    // A user, so the user fields are on the page too; the YAML loader open, so its text area is.
    await page.getByRole("button", { name: "+ Add user" }).click();
    await page.getByText("Load a spec from YAML").click();
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  const crashed = () => page.getByText("Something went wrong").count();

  test("the image name: each bad value is named under the field, the form keeps working", async () => {
    const name = page.getByLabel("Image name");
    for (const [label, text] of HOSTILE) {
      await name.fill(text);
      assert.equal(await crashed(), 0, label);
      const message = page.locator("#problem-name");
      assert.equal(await message.count(), 1, `${label}: the name field shows its problem`);
      assert.equal(await name.getAttribute("aria-invalid"), "true", label);
      assert.equal(await page.getByTestId("schematic-id").count(), 0, label);
    }
    // The rest of the form still answers while the name is wrong.
    await page.locator('input[name="arch"][value="aarch64"]').check();
    assert.match((await page.getByTestId("spec-yaml").textContent()) ?? "", /arch: aarch64/);
    await name.fill("fine-again");
    await page.locator('input[name="arch"][value="x86_64"]').check();
  });

  test("every text field takes every hostile value without the error screen", async () => {
    const fields = page.locator(TEXT_FIELDS);
    const count = await fields.count();
    assert.ok(count >= 12, `found ${count} text fields`);
    const seen: string[] = [];
    for (let i = 0; i < count; i++) {
      const field = fields.nth(i);
      const id = (await field.getAttribute("id")) ?? `#${i}`;
      seen.push(id);
      const original = await field.inputValue();
      // The error screen, once shown, stays: one look per field is enough.
      for (const [, text] of HOSTILE) await field.fill(text);
      assert.equal(await crashed(), 0, `${id} with hostile values`);
      await field.fill(original);
    }
    assert.ok(seen.includes("field-name") && seen.includes("field-system-hostname"), seen.join(" "));
    // Back to the defaults plus one user without a name: the form still checks and answers.
    await page.getByLabel("Login name").fill("alice");
    await page.getByTestId("spec-valid").waitFor();
    assert.equal(await crashed(), 0);
  });

  test("the browser logged no error", async () => {
    await page.waitForTimeout(200);
    assert.deepEqual(errors, []);
  });
});
