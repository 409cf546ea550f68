import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSpecText } from "@brokkr/composer";
import { restoreSecrets, saveSecrets } from "./form-secrets.ts";
import { encodeSpecParam, withoutSecrets } from "./spec-url.ts";

const HASH = "$y$j9T$abcdefghijklmnop$0123456789012345678901234567890123456789012";

function memoryStore() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    m,
  };
}

test("hashes come back for the same form only", () => {
  const store = memoryStore();
  const spec = parseSpecText("name: a\narch: x86_64\nsystem:\n  users: [{name: bob}, {name: eve}]\n", "t");
  spec.system.rootPassword = HASH;
  spec.system.users[1]!.passwordHash = HASH;
  const param = encodeSpecParam(spec);
  saveSecrets(store, param, spec);
  const back = restoreSecrets(store, param, withoutSecrets(spec));
  assert.equal(back.system.rootPassword, HASH);
  assert.deepEqual(back.system.users.map((u) => u.passwordHash), [null, HASH]);
  const other = restoreSecrets(store, "other", withoutSecrets(spec));
  assert.equal(other.system.rootPassword, null);
});

test("a form without hashes leaves nothing behind; garbage in storage is ignored", () => {
  const store = memoryStore();
  const spec = parseSpecText("name: a\narch: x86_64\n", "t");
  saveSecrets(store, "p", spec);
  assert.equal(store.m.size, 0);
  store.setItem("brokkr.form-secrets", "{not json");
  assert.equal(restoreSecrets(store, "p", spec).system.rootPassword, null);
});
