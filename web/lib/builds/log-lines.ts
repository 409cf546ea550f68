// Build events → plain log lines, exactly as the CLI prints them in CI (no live status line),
// by handing the CLI's own printer a stream that is not a terminal.
import type { BuildEvent } from "@brokkr/composer";
import { progressPrinter } from "@brokkr/composer";

export function logLineRenderer(onLine: (text: string) => void): (e: BuildEvent) => void {
  let partial = "";
  const sink = {
    isTTY: false,
    write(chunk: string): boolean {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      for (const p of parts) onLine(p);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return progressPrinter(sink);
}
