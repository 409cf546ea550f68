import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSpecText } from "@brokkr/composer";
import { loginWays } from "./login.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBrokkrUiTestKeyOnlyNotARealKeyAtAll0000 t@e";
const HASH = "$y$j9T$abcdefghijklmnop$0123456789012345678901234567890123456789012";
const spec = (yaml: string) => parseSpecText(`name: a\narch: x86_64\n${yaml}`, "t");

test("the default image (sshd, no users, root locked) lets nobody in", () => {
  const ways = loginWays(spec("ports: [openssh-server]\n"));
  assert.match(ways.warning ?? "", /no user has an SSH key or a password, and root is locked/);
  assert.equal(ways.sshUser, undefined);
});

test("a user with a key and an SSH server is the SSH user", () => {
  const s = spec("ports: [openssh-server]\nsystem:\n  users: [{name: alice}, {name: bob}]\n");
  s.system.users[1]!.sshAuthorizedKeys = [KEY];
  const ways = loginWays(s);
  assert.equal(ways.warning, undefined);
  assert.equal(ways.sshUser, "bob");
});

test("keys without an SSH server say so; a root password is a console login", () => {
  const s = spec("system:\n  users: [{name: alice}]\n");
  s.system.users[0]!.sshAuthorizedKeys = [KEY];
  assert.match(loginWays(s).warning ?? "", /need an SSH server/);
  s.system.rootPassword = HASH;
  assert.equal(loginWays(s).warning, undefined);
  assert.equal(loginWays(s).console, true);
});
