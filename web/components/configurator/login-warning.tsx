"use client";
// "Nobody can log in" before the build, with the one-click fix: a user whose SSH key field gets
// the focus (and the SSH server, when the image has none).
import { useEffect, useState } from "react";
import { loginWays } from "../../lib/spec/login.ts";
import { useConfigurator } from "./configurator-context.tsx";

export function LoginWarning() {
  const { spec, catalog, update } = useConfigurator();
  const ways = loginWays(spec, catalog);
  const [focusKeysOf, setFocusKeysOf] = useState<number | null>(null);
  useEffect(() => {
    if (focusKeysOf === null) return;
    document.getElementById(`field-system-users-${focusKeysOf}-keys`)?.focus();
    setFocusKeysOf(null);
  }, [focusKeysOf]);
  if (!ways.warning) return null;
  const addUser = () => {
    const index = spec.system.users.length;
    update((d) => {
      if (!ways.hasSshServer) d.ports.push("openssh-server");
      const taken = new Set(d.system.users.map((u) => u.name));
      let name = "admin";
      for (let n = 2; taken.has(name); n++) name = `admin${n}`;
      d.system.users.push({ name, groups: [], sshAuthorizedKeys: [], passwordHash: null, shell: "/bin/bash" });
    });
    setFocusKeysOf(index);
  };
  return (
    <div className="login-warning" role="status" data-testid="login-warning">
      <p>
        <strong>⚠ {ways.warning}</strong>
      </p>
      <button type="button" className="button" onClick={addUser}>
        Add a user with an SSH key
      </button>
    </div>
  );
}
