"use client";
import { useEffect, useRef, useState } from "react";
import { useConfigurator } from "./configurator-context.tsx";
import { FieldProblems } from "./field-problems.tsx";
import { UserCard } from "./user-card.tsx";

export function Users() {
  const { spec, update } = useConfigurator();
  const users = spec.system.users;
  const [focusUser, setFocusUser] = useState<number | null>(null);
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Keyboard users land in the new user's name field.
    if (focusUser === null) return;
    list.current?.querySelector<HTMLInputElement>(`#field-system-users-${focusUser}-name`)?.focus();
    setFocusUser(null);
  }, [focusUser]);
  return (
    <fieldset className="subsection">
      <legend>Users</legend>
      <div ref={list} className="users">
        {users.length === 0 ? (
          <p className="empty">No users: log in as root on the console only if it has a password.</p>
        ) : null}
        {users.map((user, i) => (
          // Users have no id but their place; the name is what is being edited.
          <UserCard key={i} index={i} user={user} />
        ))}
      </div>
      <FieldProblems path="system.users" exact />
      <button
        type="button"
        className="button"
        onClick={() => {
          update((d) => {
            d.system.users.push({
              name: "",
              groups: [],
              sshAuthorizedKeys: [],
              passwordHash: null,
              shell: "/bin/bash",
            });
          });
          setFocusUser(users.length);
        }}
      >
        + Add user
      </button>
    </fieldset>
  );
}
