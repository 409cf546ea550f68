// The log endpoint's Server-Sent Events (web/server/log-stream.ts): each line is a message
// whose event id is its line number and whose data is the text; `end` closes the stream.
export type LogEvent = { kind: "line"; n: number; text: string } | { kind: "end" } | { kind: "other" };

export function parseLogEvent(type: string, data: string, lastEventId: string): LogEvent {
  if (type === "end") return { kind: "end" };
  if (type !== "message" || !/^\d+$/.test(lastEventId)) return { kind: "other" };
  return { kind: "line", n: Number(lastEventId), text: data };
}
