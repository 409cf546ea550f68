// The kinds of value a setting holds: each turns the raw environment string into a typed value
// or a `config.invalid` error naming the variable. A setting is one call of one of these.
import { BrokkrError } from "../errors.ts";

export type Env = Readonly<Record<string, string | undefined>>;

/** Who reads a setting; each scope is one generated table in the docs. */
export type Scope = "build" | "cli" | "server" | "test";

export interface Setting<T> {
  env: string;
  scope: Scope;
  /** The default as the docs show it ("" when unset means "not used"). */
  shownDefault: string;
  description: string;
  parse(env: Env): T;
}

interface Doc {
  scope: Scope;
  description: string;
  /** How the default reads in the docs, when it is not the literal value. */
  shown?: string;
}

/** A string; `fallback` computes the default (it may read other variables, say so in `shown`). */
export function text(name: string, doc: Doc & { default: string | ((env: Env) => string) }): Setting<string> {
  const fallback = doc.default;
  return {
    ...meta(name, doc, typeof fallback === "string" ? `\`${fallback}\`` : ""),
    parse: (env) => nonEmpty(env[name]) ?? (typeof fallback === "string" ? fallback : fallback(env)),
  };
}

/** A string with no default: undefined when unset or empty. */
export function optional(name: string, doc: Doc): Setting<string | undefined> {
  return { ...meta(name, doc, "—"), parse: (env) => nonEmpty(env[name]) };
}

/** A whole number in [min, max]. */
export function int(name: string, doc: Doc & { default: number; min: number; max: number }): Setting<number> {
  return {
    ...meta(name, doc, `\`${doc.default}\``),
    parse: (env) => {
      const raw = nonEmpty(env[name]);
      if (raw === undefined) return doc.default;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < doc.min || n > doc.max) {
        throw invalid(name, raw, `a whole number from ${doc.min} to ${doc.max}`);
      }
      return n;
    },
  };
}

/** A whole number with no default (e.g. SOURCE_DATE_EPOCH): undefined when unset. */
export function optionalInt(
  name: string,
  doc: Doc & { min: number; max: number },
): Setting<number | undefined> {
  const inner = int(name, { ...doc, default: 0 });
  return {
    ...meta(name, doc, "—"),
    parse: (env) => (nonEmpty(env[name]) === undefined ? undefined : inner.parse(env)),
  };
}

/** On/off: true when the variable is set to anything but "" (or to `off` for `onUnless`). */
export function flag(name: string, doc: Doc & { onUnless?: string }): Setting<boolean> {
  return {
    ...meta(name, doc, doc.onUnless ? "on" : "off"),
    parse: (env) => (doc.onUnless ? env[name] !== doc.onUnless : nonEmpty(env[name]) !== undefined),
  };
}

/** Yes or no: `1`/`true` or `0`/`false` (unset: `fallback`). */
export function yesNo(name: string, doc: Doc & { default: boolean }): Setting<boolean> {
  return {
    ...meta(name, doc, doc.default ? "`1`" : "`0`"),
    parse: (env) => {
      const raw = nonEmpty(env[name])?.toLowerCase();
      if (raw === undefined) return doc.default;
      if (raw === "1" || raw === "true") return true;
      if (raw === "0" || raw === "false") return false;
      throw invalid(name, raw, "1 or 0");
    },
  };
}

/** A 64-digit lowercase sha256, or undefined. */
export function sha256(name: string, doc: Doc): Setting<string | undefined> {
  return {
    ...meta(name, doc, "—"),
    parse: (env) => {
      const raw = nonEmpty(env[name])?.toLowerCase();
      if (raw !== undefined && !/^[0-9a-f]{64}$/.test(raw))
        throw invalid(name, raw, "a sha256 (64 hex digits)");
      return raw;
    },
  };
}

/** An http(s) origin (scheme, host, port; a path is dropped), or undefined. */
export function origin(name: string, doc: Doc): Setting<string | undefined> {
  return {
    ...meta(name, doc, "—"),
    parse: (env) => {
      const raw = nonEmpty(env[name]);
      if (raw === undefined) return undefined;
      let url: URL | undefined;
      try {
        url = new URL(raw);
      } catch {}
      if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) throw invalid(name, raw, "an http(s) URL such as https://images.example.org");
      return url.origin;
    },
  };
}

/** Comma-separated host names, lower case ("*.lan" for every name under lan), or undefined. */
export function hostList(name: string, doc: Doc): Setting<string[] | undefined> {
  return {
    ...meta(name, doc, "—"),
    parse: (env) => {
      const raw = nonEmpty(env[name]);
      if (raw === undefined) return undefined;
      const hosts = raw.split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
      const bad = hosts.find((h) => !/^(\*\.)?[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(h));
      if (bad !== undefined || hosts.length === 0) throw invalid(name, raw, "a comma-separated list of host names without scheme or port, e.g. images.example.org,*.lan");
      return hosts;
    },
  };
}

/** One of a few words. */
export function choice<const T extends string>(name: string, doc: Doc & { values: readonly T[]; default: T }): Setting<T> {
  return {
    ...meta(name, doc, `\`${doc.default}\``),
    parse: (env) => {
      const raw = nonEmpty(env[name])?.toLowerCase();
      if (raw === undefined) return doc.default;
      if (!(doc.values as readonly string[]).includes(raw)) throw invalid(name, raw, doc.values.join(" or "));
      return raw as T;
    },
  };
}

function meta(name: string, doc: Doc, shown: string) {
  return { env: name, scope: doc.scope, description: doc.description, shownDefault: doc.shown ?? shown };
}

function nonEmpty(raw: string | undefined): string | undefined {
  const v = raw?.trim();
  return v === undefined || v === "" ? undefined : v;
}

function invalid(name: string, raw: string, want: string): BrokkrError {
  return new BrokkrError("config.invalid", `${name}=${raw} is not ${want}`, {
    hint: `set ${name} to ${want}, or unset it for the default`,
  });
}
