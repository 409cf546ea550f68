// One rule per language Brokkr writes user values into. Each rule is a safe set: a value inside
// it means the same thing in that language whatever it holds, so nothing needs escaping; a value
// outside it is refused at validation (with the field's path) and again by the writer, as a
// second line of defence. Log lines for the terminal view are the one exception: they are text
// we show, not a value we keep, so they are cleaned instead of refused.

export interface OutputLanguage {
  /** Shown in messages: "… is not safe in <name>". */
  readonly name: string;
  /** The characters (or shape) a value may have. */
  readonly safe: RegExp;
  /** Said when a value is refused: what the language would do with the rest. */
  readonly why: string;
}

// A kernel argument travels through several languages at once: the UKI's .cmdline, GRUB's
// `module2` line (GRUB parses its config as a shell-like script: quotes, $, ;, |, &, {, }, #),
// limine.conf (one value per line), iPXE's `kernel` line (iPXE splits on spaces and tabs and
// runs &&, ||, ; and # and expands ${…}), and the kernel's own parser (quotes, spaces). One safe
// set that means the same to all of them: no quoting, no expansion, no separators.
const kernelArgChars = "A-Za-z0-9._,:/=+@%~-";

export const kernelArg: OutputLanguage = {
  name: "a kernel argument (UKI, GRUB, limine.conf, iPXE)",
  safe: new RegExp(`^[${kernelArgChars}]{1,256}$`),
  why:
    "a kernel argument: use letters, digits and . _ , : / = + @ % ~ - (at most 256); spaces, quotes, $, ;, |, &, #, {, } and \\ mean something to GRUB, iPXE or the kernel's own parser",
};

/** A word on an iPXE command line (URLs we build, ids, kernel arguments). */
export const ipxeWord: OutputLanguage = {
  name: "an iPXE script word",
  safe: /^[A-Za-z0-9._,:/=+@%~?[\]-]{1,2048}$/,
  why: "iPXE splits on spaces and tabs, runs &&, ||, ; and #, and expands $ settings",
};

/** A word in grub.cfg (GRUB's script language: quotes, $, ;, |, &, <, >, {, }, # and \ are special). */
export const grubWord: OutputLanguage = {
  name: "a grub.cfg word",
  safe: /^[A-Za-z0-9._,:/=+@%~()-]{1,1024}$/,
  why: "GRUB parses grub.cfg as a script: quotes, $, ;, |, &, <, >, {, }, # and \\ are special",
};

/** A value after `key:` in limine.conf (one value per line; a newline would start a new key). */
export const limineValue: OutputLanguage = {
  name: "a limine.conf value",
  safe: /^[\x20-\x7e]{0,4096}$/,
  why: "limine.conf takes one value per line: control characters and line breaks would start new keys",
};

/** A word in a U-Boot hush script (boot.scr). */
export const ubootWord: OutputLanguage = {
  name: "a U-Boot script word",
  safe: /^[A-Za-z0-9._,:/=+@%~-]{1,1024}$/,
  why: "U-Boot's hush shell splits on spaces, runs ; and &&, and expands $ and quotes",
};

/** A value in a systemd unit file (`%` starts a specifier, `\` an escape, a newline a new key). */
export const systemdUnitValue: OutputLanguage = {
  name: "a systemd unit file value",
  safe: /^[A-Za-z0-9._,:/=+@~ -]{0,1024}$/,
  why: "systemd expands % specifiers and \\ escapes in unit files, and a line break starts a new setting",
};

/** One field of /etc/passwd, /etc/group or /etc/shadow (':' separates fields, a newline entries). */
export const passwdField: OutputLanguage = {
  name: "a passwd/group/shadow field",
  safe: /^[A-Za-z0-9._/$=+,@ -]{0,512}$/,
  why: "':' separates fields and a line break separates entries in /etc/passwd, group and shadow",
};

/** One line of authorized_keys: no line breaks or other control characters. */
export const authorizedKeysLine: OutputLanguage = {
  name: "an authorized_keys line",
  safe: /^[^\x00-\x1f\x7f]{1,16384}$/,
  why: "authorized_keys holds one key per line: a line break or control character would add or hide a key",
};

export const OUTPUT_LANGUAGES = {
  kernelArg,
  ipxeWord,
  grubWord,
  limineValue,
  ubootWord,
  systemdUnitValue,
  passwdField,
  authorizedKeysLine,
} as const;

/** Why `value` is not safe in `lang`, or undefined when it is. */
export function unsafeReason(lang: OutputLanguage, value: string): string | undefined {
  return lang.safe.test(value) ? undefined : `not safe in ${lang.name}: ${lang.why}`;
}

/**
 * For writers: throws when a value reached them that validation should have refused. The
 * message names the language, never the value (it may be hostile text headed for a log).
 */
export function assertSafe(lang: OutputLanguage, value: string, what: string): string {
  if (!lang.safe.test(value)) {
    throw new UnsafeValueError(`${what} is ${unsafeReason(lang, value)}`);
  }
  return value;
}

export class UnsafeValueError extends Error {
  override readonly name = "UnsafeValueError";
}

// C0 and C1 controls (ESC starts terminal sequences: OSC 8 links, screen clears, title
// changes), DEL, and the Unicode line and paragraph separators; tab stays.
const terminalUnsafe = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/g;

/** A log line as the terminal view may show it: control characters become visible `^[`-style text. */
export function cleanLogLine(text: string): string {
  return text.replace(terminalUnsafe, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? `^${String.fromCharCode(code + 0x40)}` : `\\u{${code.toString(16)}}`;
  });
}

/** Text for an iPXE `echo`: only the safe word characters and single spaces survive. */
export function ipxeEchoText(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._,:/=+@%~ -]/g, "?")
    .replace(/ +/g, " ")
    .slice(0, 200);
}
