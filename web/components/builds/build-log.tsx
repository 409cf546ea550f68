"use client";
// The build's log, live: Server-Sent Events from /api/builds/<id>/log into xterm.js. The
// endpoint replays from the first line, so a reload shows the whole log again; a reconnect
// resumes after the last line (Last-Event-ID), and line numbers keep any line from showing twice.
import "@xterm/xterm/css/xterm.css";
import type { Terminal } from "@xterm/xterm";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { fitTerminal } from "./fit-terminal.ts";
import { parseLogEvent } from "./log-events.ts";

type LogState = "connecting" | "following" | "ended" | "lost";

export function BuildLog({ buildId }: { buildId: string }) {
  const box = useRef<HTMLDivElement>(null);
  const router = useRouter();
  const [state, setState] = useState<LogState>("connecting");
  const [lines, setLines] = useState(0);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    let term: Terminal | undefined;
    let source: EventSource | undefined;
    let observer: ResizeObserver | undefined;
    let disposed = false;
    let last = -1;
    void (async () => {
      // xterm touches the DOM when loaded, so it is imported in the browser only.
      const { Terminal } = await import("@xterm/xterm");
      if (disposed) return;
      term = new Terminal({
        disableStdin: true,
        convertEol: true,
        scrollback: 50_000,
        fontSize: 13,
        fontFamily: '"DejaVu Sans Mono", ui-monospace, monospace',
        theme: { background: "#0b0e12", foreground: "#d6dae0", cursor: "#0b0e12" },
      });
      // Read-only: Tab must move the focus on, not into the terminal (no keyboard trap).
      term.attachCustomKeyEventHandler((e) => e.key !== "Tab");
      term.open(element);
      fitTerminal(term, element);
      observer = new ResizeObserver(() => term && fitTerminal(term, element));
      observer.observe(element);
      source = new EventSource(`/api/builds/${encodeURIComponent(buildId)}/log`);
      source.onopen = () => setState("following");
      source.onerror = () => setState((s) => (s === "ended" ? s : "lost"));
      const onEvent = (type: string) => (e: MessageEvent<string>) => {
        const event = parseLogEvent(type, e.data, e.lastEventId);
        if (event.kind === "line" && event.n > last) {
          last = event.n;
          term?.writeln(event.text);
          setLines(event.n + 1);
        } else if (event.kind === "end") {
          source?.close();
          setState("ended");
          router.refresh();
        }
      };
      source.addEventListener("message", onEvent("message"));
      source.addEventListener("end", onEvent("end"));
    })();
    return () => {
      disposed = true;
      source?.close();
      observer?.disconnect();
      term?.dispose();
    };
  }, [buildId, router]);
  return (
    <section className="card" aria-labelledby="log-title">
      <div className="panel-heading">
        <h2 id="log-title">Log</h2>
        <span className="muted small" aria-live="polite" data-testid="log-state">
          {lines} line{lines === 1 ? "" : "s"} · {state === "following" ? "following" : state}
        </span>
      </div>
      <div className="log-terminal" ref={box} data-testid="log" data-lines={lines} />
    </section>
  );
}
