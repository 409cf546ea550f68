// `node composer/src/settings/write-docs.ts`: regenerates the settings tables in the READMEs.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { docFiles, regenerate } from "./docs.ts";
import { getSettings } from "./index.ts";

for (const file of docFiles) {
  const path = join(getSettings().root, file);
  const before = readFileSync(path, "utf8");
  const after = regenerate(before);
  if (after !== before) {
    writeFileSync(path, after);
    process.stdout.write(`settings: updated ${file}\n`);
  }
}
