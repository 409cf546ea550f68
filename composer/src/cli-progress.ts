// Renders build events: one live status line on a terminal, plain lines in CI and pipes.
import type { BuildEvent } from "./assemble/progress.ts";
import { getSettings } from "./settings/index.ts";

export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): (e: BuildEvent) => void {
  const live = stream.isTTY === true && !getSettings().ci;
  let downloaded = 0;
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  return (e) => {
    if (e.kind === "stage" && live) stream.write(`\r\x1b[K${e.stage}…`);
    if (e.kind === "stage-done") {
      const detail = e.stage === "download" && downloaded > 0 ? ` (${mb(downloaded)} from the mirror)` : "";
      stream.write(`${live ? "\r\x1b[K" : ""}✓ ${e.stage.padEnd(10)} ${(e.ms / 1000).toFixed(2)} s${detail}\n`);
    }
    if (e.kind === "download") {
      if (!e.fromCache) downloaded += e.bytes;
      if (live) stream.write(`\r\x1b[Kdownload ${e.done}/${e.total} packages, ${mb(downloaded)}`);
    }
    if (e.kind === "log") stream.write(`${live ? "\r\x1b[K" : ""}${e.message}\n`);
  };
}
