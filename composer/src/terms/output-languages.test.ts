// Per language: ordinary values pass, and every metacharacter of that language is refused.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  assertSafe,
  authorizedKeysLine,
  cleanLogLine,
  grubWord,
  ipxeEchoText,
  ipxeWord,
  kernelArg,
  limineValue,
  type OutputLanguage,
  passwdField,
  systemdUnitValue,
  UnsafeValueError,
  ubootWord,
  unsafeReason,
} from "./output-languages.ts";

// "${" built at run time so no linter takes it for a template mistake.
const DB = "$" + "{";

const table: Array<{ lang: OutputLanguage; ok: string[]; bad: string[] }> = [
  {
    lang: kernelArg,
    ok: ["quiet", "console=ttyS0,115200n8", "root=UUID=1234-abcd", "crashkernel=256M@16M", "video=HDMI-A-1:1920x1080@60", "--", "init=/bin/sh"],
    bad: ["a b", "a\tb", "a\nb", 'x="y"', "x='y'", `${DB}x}`, "$x", "a;b", "a&&b", "a||b", "a|b", "#x", "{x}", "a\\b", "a<b", "a>b", "", "x".repeat(257), "a\0b", "é"],
  },
  {
    lang: ipxeWord,
    ok: ["http://10.0.2.2:3000/api/builds/0f/vmlinuz", "initrd=initrd.img", "console=ttyS0,115200"],
    bad: ["a b", "a\tb", `${DB}net0/ip}`, "a&&b", "a||b", "a;b", "#", "a\nb", "'x'", '"x"'],
  },
  {
    lang: grubWord,
    ok: ["/xen.gz", "console=com1", "com1=115200,8n1", "dom0_mem=512M,max:512M", "(cd0)/vmlinuz"],
    bad: ["a b", "$x", `${DB}x}`, "a;b", "a|b", "a&b", "a<b", "a>b", "{", "}", "#x", '"x"', "'x'", "a\\b", "a\nb"],
  },
  { lang: limineValue, ok: ["console=ttyS0 quiet", ""], bad: ["a\nb", "a\rb", "a\0b", "a\x1bb"] },
  { lang: ubootWord, ok: ["efi/boot/bootriscv64.efi", "x"], bad: ["a b", "$x", "a;b", "a&&b", '"x"', "'x'", "a\\b", "#x"] },
  { lang: systemdUnitValue, ok: ["Brokkr boot report", "/usr/bin/true"], bad: ["%n", "a\\b", "a\nb", '"x"', "a;b"] },
  { lang: passwdField, ok: ["admin", "/bin/bash", "$y$j9T$abc$def", "/home/admin"], bad: ["a:b", "a\nb", "a\0b", "a\tb"] },
  { lang: authorizedKeysLine, ok: ["ssh-ed25519 AAAAC3Nz user@host ümlaut"], bad: ["ssh-ed25519 AAAA\nssh-rsa BBBB", "a\rb", "a\0b", ""] },
];

for (const { lang, ok, bad } of table) {
  test(`${lang.name}: ordinary values pass, metacharacters are refused`, () => {
    for (const v of ok) assert.equal(unsafeReason(lang, v), undefined, JSON.stringify(v));
    for (const v of bad) {
      const reason = unsafeReason(lang, v);
      assert.ok(reason?.startsWith(`not safe in ${lang.name}`), JSON.stringify(v));
      assert.throws(() => assertSafe(lang, v, "the value"), UnsafeValueError);
    }
  });
}

test("a writer's refusal never echoes the hostile value", () => {
  assert.throws(
    () => assertSafe(ipxeWord, "x; chain http://evil/", "boot.cmdline[0]"),
    (e: unknown) => e instanceof UnsafeValueError && !e.message.includes("evil") && e.message.startsWith("boot.cmdline[0] is not safe"),
  );
});

test("log lines lose terminal escapes: OSC 8 links, screen clears and titles show as text", () => {
  const osc8 = "\x1b]8;;http://evil/\x07click\x1b]8;;\x07";
  assert.equal(cleanLogLine(osc8).includes("\x1b"), false);
  assert.equal(cleanLogLine(osc8).includes("\x07"), false);
  assert.equal(cleanLogLine("\x1b[2J\x1b[H"), "^[[2J^[[H");
  assert.equal(cleanLogLine("a\u009b31mb"), "a\\u{9b}31mb");
  assert.equal(cleanLogLine("col1\tcol2 ümlaut"), "col1\tcol2 ümlaut");
  assert.equal(cleanLogLine("a\0b\rc\nd"), "a^@b^Mc^Jd");
});

test("iPXE echo text keeps words and drops every iPXE metacharacter", () => {
  const t = ipxeEchoText("[resolve.lock-mismatch] evil&&chain http://x/;#" + DB + "a}\tb\nc");
  assert.equal(/[&|;#${}\t\n\r"'\\]/.test(t), false, t);
  assert.ok(t.includes("resolve.lock-mismatch"));
});
