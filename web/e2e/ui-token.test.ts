// The UI of a server with tokens, in a real browser (node web/server/main.ts, a temp data dir):
// the page carries its security headers and works under its CSP, asks for a token once, keeps it
// for the session (server actions and uploads accept it), and never shows a password hash back.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import sharp from "sharp";
import { runTokenCommand } from "../lib/auth/token-command.ts";
import {
  chromiumMissing,
  ensureNextBuild,
  launchChromium,
  type RunningApp,
  type RunningBrowser,
  startServerApp,
} from "./ui-harness.ts";

const hash = "$y$j9T$abcdefghijklmnopqrstu.$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno1";

describe("a server with tokens, in the browser", { skip: chromiumMissing }, () => {
  let app: RunningApp;
  let browser: RunningBrowser;
  let dataDir: string;
  let page: Page;
  let token = "";
  const problems: string[] = [];

  before(async () => {
    await ensureNextBuild();
    dataDir = await mkdtemp(join(tmpdir(), "brokkr-ui-token-"));
    // Made while the server is stopped: `brokkr token create` opens the database itself.
    await runTokenCommand(
      ["create", "browser"],
      { dataDir, databaseUrl: undefined },
      (s) => (token += s.trim()),
      () => {},
    );
    app = await startServerApp(dataDir);
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on("pageerror", (e) => problems.push(String(e)));
    page.on("console", (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test("the page carries CSP, nosniff, no framing and no referrer", async () => {
    const res = await fetch(app.url);
    await res.body?.cancel();
    assert.match(
      res.headers.get("content-security-policy") ?? "",
      /default-src 'self'.*frame-ancestors 'none'/,
    );
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("x-frame-options"), "DENY");
    assert.equal(res.headers.get("referrer-policy"), "no-referrer");
  });

  test("asks for the token once; a wrong one is refused, the right one is kept for the session", async () => {
    await page.goto(app.url);
    const prompt = page.getByTestId("token-prompt");
    await prompt.waitFor();
    await page.getByLabel(/needs a token/).fill("brokkr_wrong");
    await page.getByRole("button", { name: "Use token" }).click();
    await prompt.getByRole("alert").waitFor();
    assert.match((await prompt.getByRole("alert").textContent()) ?? "", /not valid/);
    await page.getByLabel(/needs a token/).fill(token);
    await page.getByRole("button", { name: "Use token" }).click();
    await prompt.waitFor({ state: "detached", timeout: 30_000 });
    await page.goto(`${app.url}/catalog`);
    assert.equal(await page.getByTestId("token-prompt").count(), 0, "asked again in the same session");
    const cookie = (await browser.context.cookies()).find((c) => c.name === "brokkr_token");
    assert.ok(
      cookie?.httpOnly && cookie.sameSite === "Strict" && cookie.expires === -1,
      JSON.stringify(cookie),
    );
  });

  test("with the token, an upload (same-origin fetch) and Create & build (server action) work", async () => {
    await page.goto(`${app.url}/#step-branding`);
    const png = await sharp({ create: { width: 64, height: 32, channels: 3, background: "#0a3cc8" } })
      .png()
      .toBuffer();
    await page
      .getByTestId("splash-file")
      .setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: png });
    await page.getByTestId("splash-thumbnail").waitFor({ timeout: 30_000 });
    await page.waitForFunction(
      () =>
        (document.querySelector<HTMLImageElement>("[data-testid=splash-thumbnail]")?.naturalWidth ?? 0) > 0,
    );

    // The configurator warns where a password hash would go.
    assert.match(
      (await page
        .locator(".field", { has: page.getByLabel("Root password hash (optional)") })
        .textContent()) ?? "",
      /prefer SSH keys/,
    );
    await page.getByLabel("Hostname").fill("token-e2e");
    await page.getByTestId("spec-valid").waitFor();
    await page.getByRole("button", { name: "Create schematic & build" }).click();
    await page.waitForURL(/\/builds\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  });

  test("a schematic's page shows its password hash redacted, with a note", async () => {
    const spec = { name: "secret", arch: "x86_64", system: { hostname: "secret", rootPassword: hash } };
    const res = await fetch(`${app.url}/api/schematics`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(spec),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const { id } = (await res.json()) as { id: string };
    const html = await (await fetch(`${app.url}/s/${id}`)).text();
    assert.ok(!html.includes(hash), "the page carries the hash");
    await page.goto(`${app.url}/s/${id}`);
    assert.match(
      (await page.getByTestId("spec-yaml").textContent()) ?? "",
      /rootPassword: "<redacted: set>"/,
    );
    await page.getByTestId("redacted-note").waitFor();
    const copy = await (await fetch(`${app.url}/?from=${id}`)).text();
    assert.ok(!copy.includes(hash), "Edit a copy carries the hash");
  });

  test("no CSP violation or page error on the way", () => {
    assert.deepEqual(problems, []);
  });
});
