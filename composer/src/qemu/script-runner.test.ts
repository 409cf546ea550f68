import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { BrokkrError } from "../errors.ts";
import { buildScriptDisk, checkCopyOut, SCRIPT_DISK_LABEL } from "./script-runner.ts";

const hasMtools = spawnSync("mtype", ["--version"]).status === 0;

test("the script disk holds run.sh, the nonce and the copy-out list under the label", (t) => {
  if (!hasMtools) return t.skip("mtools is not installed");
  const script = Buffer.from("#!/bin/sh\necho hi\nexit 3\n");
  const img = buildScriptDisk(script, "00c0ffee12345678", ["/tmp/result.txt", "/var/log/x.log"]);
  const dir = mkdtempSync(join(tmpdir(), "brokkr-script-test-"));
  try {
    const file = join(dir, "disk.img");
    writeFileSync(file, img);
    const type = (name: string) => execFileSync("mtype", ["-i", file, `::${name}`]).toString();
    assert.equal(type("run.sh"), script.toString());
    assert.equal(type("nonce.txt"), "00c0ffee12345678\n");
    assert.equal(type("copy-out.txt"), "/tmp/result.txt\n/var/log/x.log\n");
    const label = execFileSync("mlabel", ["-i", file, "-s", "::"]).toString();
    assert.match(label, new RegExp(`Volume label is ${SCRIPT_DISK_LABEL}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("copy-out paths must be absolute files with distinct base names", () => {
  checkCopyOut(["/tmp/a.txt", "/var/b.txt"]);
  for (const bad of [["tmp/a"], ["/tmp/dir/"], ["/tmp/a\nb"], ["/x/a", "/y/a"]]) {
    assert.throws(
      () => checkCopyOut(bad),
      (e: unknown) => e instanceof BrokkrError && e.code === "spec.invalid",
      JSON.stringify(bad),
    );
  }
});
