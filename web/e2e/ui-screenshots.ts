// `npm run screenshots`: the README's pictures, taken on purpose and not by every test run.
// Starts the server (temp data dir) and Chromium, configures an image through the visible
// labels, builds it for real (needs the Debian mirror, like the build tests) and photographs
// the configurator, the build page, the Builds list and the catalog on a phone, into
// docs/screenshots/. Look at them before committing.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureNextBuild, launchChromium, repoRoot, startApp } from "./ui-harness.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBrokkrUiTestKeyOnlyNotARealKeyAtAll0000 you@laptop";
const out = join(repoRoot, "docs/screenshots");

await ensureNextBuild();
const dataDir = await mkdtemp(join(tmpdir(), "brokkr-screenshots-"));
const app = await startApp([join(repoRoot, "web/server/main.ts")], {
  BROKKR_DATA_DIR: dataDir,
  HOST: "127.0.0.1",
});
const browser = await launchChromium();
try {
  await mkdir(out, { recursive: true });
  const page = await browser.context.newPage();
  await page.goto(app.url);
  await page.locator('input[name="arch"][value="aarch64"]').check();
  await page.getByLabel("Search ports").fill("web server");
  await page.locator('input[name="ports"][value="nginx"]').check();
  await page.getByLabel("Hostname").fill("edge-01");
  await page.getByRole("button", { name: "Add a user with an SSH key" }).click();
  await page.keyboard.type(KEY);
  await page.getByTestId("spec-valid").waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(out, "configurator.png") });
  process.stdout.write("configurator.png\n");

  await page.getByRole("button", { name: "Create schematic & build" }).click();
  await page.waitForURL(/\/builds\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  await page.waitForFunction(
    () => /succeeded|failed/.test(document.querySelector("[data-testid=build-status]")?.textContent ?? ""),
    undefined,
    { timeout: 15 * 60_000, polling: 1000 },
  );
  await page.getByText(/lines · ended/).waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(out, "build.png"), fullPage: true });
  process.stdout.write("build.png\n");

  await page.getByRole("link", { name: "Builds", exact: true }).click();
  await page.getByTestId("my-builds").waitFor();
  await page.screenshot({ path: join(out, "builds.png") });
  process.stdout.write("builds.png\n");

  const phone = await browser.context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.emulateMedia({ colorScheme: "light" });
  await phone.goto(`${app.url}/catalog`);
  await phone.getByLabel("Search the catalog").fill("ssh");
  await phone.screenshot({ path: join(out, "catalog-phone-light.png") });
  process.stdout.write("catalog-phone-light.png\n");
} finally {
  await browser.close();
  await app.stop();
  await rm(dataDir, { recursive: true, force: true });
}
