"use client";
import { useMemo } from "react";
import { useConfigurator } from "./configurator-context.tsx";
import { Step } from "./step.tsx";
import { NullableTextField, TextField } from "./text-field.tsx";
import { Users } from "./users.tsx";

/** The browser's own list of tz database names, for suggestions only. */
function useTimezones(): string[] {
  return useMemo(() => {
    try {
      return Intl.supportedValuesOf("timeZone");
    } catch {
      return ["Etc/UTC"];
    }
  }, []);
}

export function StepSystem() {
  const { spec, update } = useConfigurator();
  const zones = useTimezones();
  const sys = spec.system;
  return (
    <Step
      id="system"
      intro="What first boot would ask: host name, time zone, locale, keymap, and who may log in."
    >
      <div className="field-row">
        <TextField
          path="system.hostname"
          label="Hostname"
          value={sys.hostname}
          onChange={(v) => update((d) => void (d.system.hostname = v))}
        />
        <TextField
          path="system.timezone"
          label="Time zone"
          value={sys.timezone}
          list="timezones"
          onChange={(v) => update((d) => void (d.system.timezone = v))}
        />
        <datalist id="timezones">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </div>
      <div className="field-row">
        <TextField
          path="system.locale"
          label="Locale"
          value={sys.locale}
          onChange={(v) => update((d) => void (d.system.locale = v))}
        />
        <TextField
          path="system.keymap"
          label="Console keymap"
          value={sys.keymap}
          onChange={(v) => update((d) => void (d.system.keymap = v))}
        />
      </div>
      <NullableTextField
        path="system.rootPassword"
        label="Root password hash (optional)"
        value={sys.rootPassword}
        placeholder="$y$… from mkpasswd -m yescrypt; empty keeps root locked"
        help="A password hash is baked into the image, and anyone with its URL can download it and attack the hash offline: prefer SSH keys."
        onChange={(v) => update((d) => void (d.system.rootPassword = v))}
      />
      <Users />
    </Step>
  );
}
