// Build progress as events; the CLI renders them (a live line on a TTY, plain lines in CI)
// and the web service will stream them.
export type BuildEvent =
  | { kind: "stage"; stage: string; detail?: string }
  | { kind: "stage-done"; stage: string; ms: number; detail?: string }
  | { kind: "download"; done: number; total: number; bytes: number; fromCache: boolean }
  | { kind: "log"; message: string };

export type ProgressSink = (e: BuildEvent) => void;

/** Runs one stage, reporting its start and its duration. */
export async function stage<T>(sink: ProgressSink, name: string, run: () => Promise<T> | T): Promise<T> {
  sink({ kind: "stage", stage: name });
  const t0 = performance.now();
  const result = await run();
  sink({ kind: "stage-done", stage: name, ms: Math.round(performance.now() - t0) });
  return result;
}
