// The settings, resolved once from the environment into a frozen object. Everything reads
// `getSettings()`; tests build their own with `resolveSettings({ ... })`.
import type { Env, Setting } from "./kinds.ts";
import { type Settings, settingsTable } from "./table.ts";

export type { Scope, Setting } from "./kinds.ts";
export { type Settings, settingsTable } from "./table.ts";

export function resolveSettings(env: Env = process.env): Settings {
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settingsTable) as [string, Setting<unknown>][])
    out[key] = setting.parse(env);
  return Object.freeze(out) as Settings;
}

let resolved: Settings | undefined;

/** The process's settings, read from the environment on first use. */
export function getSettings(): Settings {
  resolved ??= resolveSettings();
  return resolved;
}

/** Reads the environment again on next use: for tests that change it between cases. */
export function rereadSettings(): void {
  resolved = undefined;
}
