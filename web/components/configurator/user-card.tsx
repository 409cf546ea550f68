"use client";
import type { User } from "@brokkr/composer/browser";
import { useConfigurator } from "./configurator-context.tsx";
import { FieldProblems, useFieldAria } from "./field-problems.tsx";
import { ListInput } from "./list-input.tsx";
import { NullableTextField, TextField } from "./text-field.tsx";

const splitLines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
const joinLines = (list: readonly string[]) => list.join("\n");

export function UserCard({ index, user }: { index: number; user: User }) {
  const { update } = useConfigurator();
  const base = `system.users[${index}]`;
  const change = (edit: (u: User) => void) =>
    update((d) => {
      const u = d.system.users[index];
      if (u) edit(u);
    });
  const groupsAria = useFieldAria(`${base}.groups`);
  const keysAria = useFieldAria(`${base}.sshAuthorizedKeys`);
  const idBase = `field-system-users-${index}`;
  return (
    <fieldset className="user-card">
      <legend className="sr-only">{`User ${index + 1}${user.name ? `: ${user.name}` : ""}`}</legend>
      <div className="field-row">
        <TextField
          path={`${base}.name`}
          label="Login name"
          value={user.name}
          placeholder="admin"
          onChange={(v) => change((u) => void (u.name = v))}
        />
        <div className="field">
          <label htmlFor={`${idBase}-groups`}>Groups</label>
          <ListInput
            id={`${idBase}-groups`}
            value={user.groups}
            placeholder="sudo, adm"
            onChange={(list) => change((u) => void (u.groups = list))}
            {...groupsAria}
          />
          <FieldProblems path={`${base}.groups`} />
        </div>
        <TextField
          path={`${base}.shell`}
          label="Shell"
          value={user.shell}
          onChange={(v) => change((u) => void (u.shell = v))}
        />
      </div>
      <div className="field">
        <label htmlFor={`${idBase}-keys`}>SSH authorized keys (one per line)</label>
        <ListInput
          id={`${idBase}-keys`}
          value={user.sshAuthorizedKeys}
          split={splitLines}
          join={joinLines}
          multiline
          rows={2}
          placeholder="ssh-ed25519 AAAA… you@laptop"
          onChange={(list) => change((u) => void (u.sshAuthorizedKeys = list))}
          {...keysAria}
        />
        <FieldProblems path={`${base}.sshAuthorizedKeys`} />
      </div>
      <NullableTextField
        path={`${base}.passwordHash`}
        label="Password hash (optional)"
        value={user.passwordHash}
        placeholder="$y$… from mkpasswd -m yescrypt; empty: SSH keys only"
        help="A password hash is baked into the image, and anyone with its URL can download it and attack the hash offline: prefer SSH keys."
        onChange={(v) => change((u) => void (u.passwordHash = v))}
      />
      <button
        type="button"
        className="button button-quiet"
        onClick={() => update((d) => void d.system.users.splice(index, 1))}
      >
        Remove user {user.name || index + 1}
      </button>
    </fieldset>
  );
}
