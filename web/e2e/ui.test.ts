// The configurator and the catalog in a real browser (Debian's Chromium through playwright-core),
// against the production build served by `next start`: no image service behind it.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import type { Locator, Page } from "playwright-core";
import {
  chromiumMissing,
  ensureNextBuild,
  launchChromium,
  nodeBin,
  repoRoot,
  type RunningApp,
  type RunningBrowser,
  startNext,
} from "./ui-harness.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBrokkrUiTestKeyOnlyNotARealKeyAtAll0000 tester@e2e";

async function cliId(yaml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "brokkr-ui-spec-"));
  try {
    const file = join(dir, "spec.yaml");
    await writeFile(file, yaml);
    const { stdout } = await promisify(execFile)(nodeBin, [
      join(repoRoot, "composer/src/cli.ts"),
      "id",
      file,
    ]);
    return stdout.trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const radio = (page: Page, name: string, value: string) =>
  page.locator(`input[name="${name}"][value="${value}"]`);
/** check(), once more if a re-render of the list (it filters as you type) swallowed the click. */
async function checkSettled(box: Locator): Promise<void> {
  for (let i = 0; i < 3 && !(await box.isChecked()); i++) await box.check().catch(() => {});
  assert.equal(await box.isChecked(), true, "the box stays checked");
}
/** The option box (input, label, description, reason) of one choice. */
const choice = (page: Page, name: string, value: string) =>
  page.locator(".choice").filter({ has: radio(page, name, value) });

async function shownId(page: Page): Promise<string> {
  const id = page.getByTestId("schematic-id");
  await id.waitFor();
  return (await id.textContent())?.trim() ?? "";
}

describe("web UI", { skip: chromiumMissing }, () => {
  let app: RunningApp;
  let browser: RunningBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    await ensureNextBuild();
    app = await startNext();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function openConfigurator(): Promise<Page> {
    page = await browser.context.newPage();
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    await page.goto(app.url);
    await shownId(page);
    return page;
  }

  test("aarch64 disables multiboot2 and the x86-only drivers, each with its reason", async () => {
    const p = await openConfigurator();
    await radio(p, "arch", "aarch64").check();
    const mb2 = radio(p, "boot.protocol", "multiboot2");
    assert.equal(await mb2.isDisabled(), true);
    const reason = choice(p, "boot.protocol", "multiboot2").locator(".choice-reason");
    assert.match((await reason.textContent()) ?? "", /multiboot2 is defined only for x86_64/);
    assert.equal(await reason.isVisible(), true);
    // BIOS exists only on x86_64; nvidia-open works nowhere (the catalog says why).
    assert.equal(await radio(p, "boot.firmware", "bios").isDisabled(), true);
    assert.equal(await radio(p, "drivers", "nvidia-open").isDisabled(), true);
    assert.match((await choice(p, "drivers", "nvidia-open").textContent()) ?? "", /DKMS/);
    assert.equal(await radio(p, "drivers", "genet").isDisabled(), false);
    assert.match((await p.getByTestId("spec-yaml").textContent()) ?? "", /arch: aarch64/);
  });

  test("kernel xen refuses limine with the kernel's own reason, and multiboot2 is valid", async () => {
    const p = await openConfigurator();
    await radio(p, "kernel", "xen").check();
    // uefi is now the wrong protocol: the problem sits under the boot protocol field.
    await p.locator("#problem-boot-protocol").waitFor();
    assert.match(
      (await p.locator("#problem-boot-protocol").textContent()) ?? "",
      /A UKI holds one Linux kernel/,
    );
    assert.equal(await radio(p, "boot.protocol", "limine").isDisabled(), true);
    assert.match(
      (await choice(p, "boot.protocol", "limine").textContent()) ?? "",
      /Xen needs the EFI boot-services tag that Limine does not implement/,
    );
    await radio(p, "boot.protocol", "multiboot2").check();
    // The UKI output cannot carry a hypervisor.
    assert.equal(await radio(p, "outputs", "uki").isDisabled(), true);
    await p.getByTestId("spec-valid").waitFor();
  });

  test("ports are found by search and category, and chosen by clicking", async () => {
    const p = await openConfigurator();
    const search = p.getByLabel("Search ports");
    await search.fill("web server");
    const shown = p.locator(".port-list .choice");
    assert.deepEqual(
      await shown.locator("input").evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
      ["nginx"],
    );
    await radio(p, "ports", "nginx").check();
    await search.fill("certificates");
    assert.ok((await shown.count()) >= 2, "curl and wget name ca-certificates");
    await search.fill("");
    await p.getByRole("button", { name: "tools", exact: true }).click();
    assert.equal(await radio(p, "ports", "htop").isVisible(), true);
    assert.equal(await radio(p, "ports", "nginx").count(), 0, "nginx is in net, not tools");
    await radio(p, "ports", "htop").check();
    const chips = await p.locator(".selected-ports .chip").allTextContents();
    assert.deepEqual(
      chips.map((c) => c.replace("×", "").trim()),
      ["openssh-server", "nginx", "htop"],
    );
    assert.match(
      (await p.getByTestId("spec-yaml").textContent()) ?? "",
      /ports: \[openssh-server, nginx, htop\]/,
    );
    const before = (await p.getByTestId("size-estimate").textContent()) ?? "";
    await p.getByRole("button", { name: "Remove port htop" }).click();
    assert.notEqual(await p.getByTestId("size-estimate").textContent(), before);
  });

  test("a bad hostname shows its message next to the field and blocks the build", async () => {
    const p = await openConfigurator();
    const hostname = p.getByLabel("Hostname");
    await hostname.fill("-bad-host-");
    const message = p.locator("#problem-system-hostname");
    await message.waitFor();
    assert.match((await message.textContent()) ?? "", /must be an RFC 1123 host label/);
    assert.equal(await hostname.getAttribute("aria-invalid"), "true");
    assert.equal(await hostname.getAttribute("aria-describedby"), "problem-system-hostname");
    // The message sits in the same field as the input.
    assert.equal(
      await p.locator(".field").filter({ has: hostname }).locator("#problem-system-hostname").count(),
      1,
    );
    assert.equal(await p.getByTestId("schematic-id").count(), 0);
    assert.equal(await p.getByRole("button", { name: "Create schematic & build" }).isDisabled(), true);
    await hostname.fill("good-host");
    await p.getByTestId("spec-valid").waitFor();
  });

  test("nobody can log in to the default image: a warning, and one click to a user's key field", async () => {
    const p = await openConfigurator();
    const warning = p.getByTestId("login-warning");
    assert.match(
      (await warning.textContent()) ?? "",
      /no user has an SSH key or a password, and root is locked/,
    );
    await p.getByRole("button", { name: "Add a user with an SSH key" }).click();
    assert.equal(await p.evaluate(() => document.activeElement?.id), "field-system-users-0-keys");
    await p.keyboard.type(KEY);
    await warning.waitFor({ state: "detached" });
    assert.match((await p.getByTestId("spec-yaml").textContent()) ?? "", /name: admin/);
  });

  test("the schematic ID shown equals `brokkr id` for the YAML shown", async () => {
    const p = await openConfigurator();
    await radio(p, "arch", "aarch64").check();
    await radio(p, "drivers", "genet").check();
    await p.getByLabel("Search ports").fill("curl");
    await checkSettled(radio(p, "ports", "curl"));
    await p.getByLabel("Hostname").fill("arm-box");
    await p.getByRole("button", { name: "+ Add user" }).click();
    // The new user's name field has the focus: type without clicking.
    await p.keyboard.type("alice");
    assert.equal(await p.getByLabel("Login name").inputValue(), "alice");
    await p.getByLabel("Groups").fill("sudo, adm");
    await p.getByLabel("SSH authorized keys (one per line)").fill(KEY);
    await p.getByLabel("Extra kernel arguments").fill("quiet loglevel=3");
    await p.getByTestId("spec-valid").waitFor();
    const yaml = (await p.getByTestId("spec-yaml").textContent()) ?? "";
    assert.match(yaml, /sshAuthorizedKeys:\n\s+- ssh-ed25519 /);
    const id = await shownId(p);
    assert.match(id, /^[0-9a-f]{64}$/);
    assert.equal(id, await cliId(yaml));
  });

  test("a pasted YAML fills the form, and its ID matches the CLI's for the same file", async () => {
    const p = await openConfigurator();
    const file = join(repoRoot, "examples/xen.yaml");
    await p.getByText("Load a spec from YAML").click();
    await p.getByLabel("Paste YAML").fill(await readFile(file, "utf8"));
    await p.getByRole("button", { name: "Load pasted YAML" }).click();
    assert.equal(await radio(p, "kernel", "xen").isChecked(), true);
    assert.equal(await radio(p, "boot.protocol", "multiboot2").isChecked(), true);
    assert.equal(await p.getByLabel("Hostname").inputValue(), "xen-host");
    const { stdout } = await promisify(execFile)(nodeBin, [
      join(repoRoot, "composer/src/cli.ts"),
      "id",
      file,
    ]);
    assert.equal(await shownId(p), stdout.trim());
    // A YAML the schema rejects loads nothing and says why.
    await p.getByLabel("Paste YAML").fill("name: x\narch: sparc\n");
    await p.getByRole("button", { name: "Load pasted YAML" }).click();
    assert.match((await p.getByTestId("yaml-load-problems").textContent()) ?? "", /arch.*must be one of/);
    assert.equal(await radio(p, "kernel", "xen").isChecked(), true);
  });

  test("a rejected paste lists every problem the API reports, apart from the form's status", async () => {
    const p = await openConfigurator();
    await p.getByText("Load a spec from YAML").click();
    const paste = async (yaml: string) => {
      await p.getByLabel("Paste YAML").fill(yaml);
      await p.getByRole("button", { name: "Load pasted YAML" }).click();
      return (await p.getByTestId("yaml-load-problems").textContent()) ?? "";
    };
    const bad = await paste(await readFile(join(repoRoot, "composer/src/spec/fixtures/bad.yaml"), "utf8"));
    assert.match(bad, /Not loaded: the pasted YAML has 4 problems \(the form is unchanged\)/);
    for (const path of ["system.hostname", "colour", "boot.protocol", "ports[1]"])
      assert.ok(bad.includes(path), path);
    const two = await paste("name: x\narch: x86_64\nports: [no-such-port]\ncolour: red\n");
    assert.match(two, /2 problems/);
    assert.match(two, /unknown port 'no-such-port'/);
    // The hint points at the Catalog page, not at a folder of the repository.
    const link = p.getByTestId("yaml-load-problems").getByRole("link", { name: "Catalog" });
    assert.equal(await link.getAttribute("href"), "/catalog#ports");
    assert.match((await p.getByTestId("spec-valid").textContent()) ?? "", /The form is valid/);
  });

  test("time zone, locale and keymap are checked against Debian's names, each under its field", async () => {
    const p = await openConfigurator();
    await p.getByLabel("Time zone").fill("Mars/Olympus");
    await p.getByLabel("Locale", { exact: true }).fill("xx");
    await p.getByLabel("Console keymap").fill("zz");
    assert.match(
      (await p.locator("#problem-system-timezone").textContent()) ?? "",
      /unknown time zone 'Mars\/Olympus'/,
    );
    assert.match((await p.locator("#problem-system-locale").textContent()) ?? "", /unknown locale 'xx'/);
    assert.match(
      (await p.locator("#problem-system-keymap").textContent()) ?? "",
      /unknown console keymap 'zz'/,
    );
    await p.getByLabel("Time zone").fill("Europe/Berlin");
    await p.getByLabel("Console keymap").fill("de-latin1");
    await p.getByLabel("Locale", { exact: true }).fill("de_DE.UTF-8");
    assert.match((await p.locator("#problem-system-locale").textContent()) ?? "", /add the locales-all port/);
    await p.getByLabel("Search ports").fill("locales");
    await radio(p, "ports", "locales-all").check();
    await p.getByTestId("spec-valid").waitFor();
  });

  test("a YAML file fills the form through the file picker", async () => {
    const p = await openConfigurator();
    await p.getByText("Load a spec from YAML").click();
    // The YAML loader's picker, not the branding step's image picker.
    await p
      .locator('input[type="file"][accept*="yaml"]')
      .setInputFiles(join(repoRoot, "examples/aarch64.yaml"));
    await p.getByText("Loaded aarch64.yaml.").waitFor();
    assert.equal(await radio(p, "arch", "aarch64").isChecked(), true);
    assert.equal(await radio(p, "drivers", "genet").isChecked(), true);
  });

  test("keyboard only: tab to the architecture, change it with the arrows, focus is visible", async () => {
    const p = await openConfigurator();
    let focused = "";
    for (let i = 0; i < 40 && focused !== "arch"; i++) {
      await p.keyboard.press("Tab");
      focused = await p.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? "");
    }
    assert.equal(focused, "arch", "the architecture radios are reachable with Tab");
    const outline = await p.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    assert.notEqual(outline, "none", "the focused radio shows a focus ring");
    await p.keyboard.press("ArrowRight");
    assert.equal(await radio(p, "arch", "aarch64").isChecked(), true);
    assert.equal(await radio(p, "boot.protocol", "multiboot2").isDisabled(), true);
    // Space toggles a checkbox: tab to the first port and take it.
    await p.getByLabel("Search ports").focus();
    await p.keyboard.type("jq");
    for (let i = 0; i < 20 && focused !== "ports"; i++) {
      await p.keyboard.press("Tab");
      focused = await p.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name ?? "");
    }
    await p.keyboard.press("Space");
    assert.equal(await radio(p, "ports", "jq").isChecked(), true);
  });

  test("without the image service, Create & build says so instead of failing silently", async () => {
    const p = await openConfigurator();
    await p.getByRole("button", { name: "Create schematic & build" }).click();
    const failure = p.getByTestId("create-failure");
    await failure.waitFor();
    assert.match((await failure.textContent()) ?? "", /image service is not running/);
    assert.equal(new URL(p.url()).pathname, "/");
  });

  test("the catalog shows kernels, per-arch driver support with reasons, ports by category, units", async () => {
    const p = await browser.context.newPage();
    await p.goto(`${app.url}/catalog`);
    const nvidia = p.locator("#driver-nvidia-open");
    assert.match((await nvidia.textContent()) ?? "", /DKMS/);
    assert.equal(await p.locator("#driver-virtio .yes").count(), 3);
    for (const category of ["apps", "net", "tools"]) {
      assert.equal(await p.locator(`#ports-${category}`).count(), 1, category);
    }
    assert.match((await p.locator("#units").textContent()) ?? "", /serial-getty/);
    assert.match(
      (await p.locator("#kernels").textContent()) ?? "",
      /multiboot2: Linux has no multiboot2 entry point/,
    );
  });

  test("the catalog: search, and Add to image goes back to the form last on screen", async () => {
    const p = await openConfigurator();
    await p.getByLabel("Hostname").fill("from-catalog");
    await p.waitForURL(/spec=/);
    await p.waitForTimeout(400); // the form is written to storage after a pause in typing
    await p.getByRole("link", { name: "Catalog", exact: true }).click();
    await p.getByLabel("Search the catalog").fill("web server");
    assert.equal(await p.locator("#ports tbody tr").count(), 1);
    assert.match((await p.locator("#ports").textContent()) ?? "", /nginx/);
    await p.getByRole("button", { name: "Add nginx to the image" }).click();
    await p.waitForURL((u) => u.pathname === "/");
    assert.equal(await radio(p, "ports", "nginx").isChecked(), true);
    assert.equal(await p.getByLabel("Hostname").inputValue(), "from-catalog");
  });

  test("a phone-sized window scrolls nowhere sideways", async () => {
    const p = await browser.context.newPage();
    await p.setViewportSize({ width: 390, height: 844 });
    for (const path of ["/", "/catalog", "/builds", "/s"]) {
      await p.goto(`${app.url}${path}`);
      await p.locator("h1").waitFor();
      const wide = await p.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 390, `${path} is ${wide} px wide`);
    }
    await p.close();
  });

  test("reach: a skip link to the build button, Ctrl+Enter from any field, thick focus rings", async () => {
    const p = await openConfigurator();
    await p.keyboard.press("Tab");
    for (let i = 0; i < 10; i++) {
      if (
        (await p.evaluate(() => document.activeElement?.textContent)) === "Skip to Create schematic & build"
      )
        break;
      await p.keyboard.press("Tab");
    }
    await p.keyboard.press("Enter");
    assert.equal(await p.evaluate(() => document.activeElement?.id), "create-build");
    const ring = await p.evaluate(() => getComputedStyle(document.activeElement as Element).outlineWidth);
    assert.equal(ring, "3px");
    // Ctrl+Enter in a field deep in the form: the build starts (here: says there is no service).
    await p.getByLabel("Console keymap").focus();
    await p.keyboard.press("Control+Enter");
    await p.getByTestId("create-failure").waitFor();
  });

  test("the theme follows the system: light when it asks for light", async () => {
    const p = await browser.context.newPage();
    const background = () => p.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await p.emulateMedia({ colorScheme: "light" });
    await p.goto(app.url);
    assert.equal(await background(), "rgb(246, 247, 249)");
    await p.emulateMedia({ colorScheme: "dark" });
    assert.equal(await background(), "rgb(15, 18, 22)");
    await p.close();
  });

  test("no page threw in the browser", () => {
    assert.deepEqual(pageErrors, []);
  });
});
