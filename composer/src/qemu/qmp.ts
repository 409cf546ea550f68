// A tiny client for QEMU's machine protocol (QMP): JSON objects, one per line, over a unix
// socket. QEMU greets, we send qmp_capabilities, then commands; replies come in order,
// interleaved with asynchronous events, which we skip.

import { createConnection, type Socket } from "node:net";
import { BrokkrError } from "../errors.ts";

export interface QmpClient {
  /** Sends one command and resolves with its `return` value; a QMP error rejects. */
  execute(command: string, args?: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

type Reply = { return?: unknown; error?: { class: string; desc: string }; QMP?: unknown; event?: string };

/** Connects to a QMP socket, retrying until `timeoutMs` (QEMU creates it shortly after start). */
export async function connectQmp(path: string, timeoutMs = 10_000): Promise<QmpClient> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await open(path, Math.max(1000, until - Date.now()));
    } catch (error) {
      if (Date.now() > until) {
        throw new BrokkrError("qemu.failed", `cannot talk QMP on ${path}: ${(error as Error).message}`, {
          cause: error,
          hint: "QEMU must run with -qmp unix:PATH,server=on,wait=off",
        });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function open(path: string, timeoutMs: number): Promise<QmpClient> {
  const socket = createConnection(path);
  const lines = lineReader(socket);
  const fail = (why: string) => {
    socket.destroy();
    return new Error(why);
  };
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const greeting = await lines.next(timeoutMs);
  if (greeting?.QMP === undefined) throw fail("no QMP greeting");
  const client: QmpClient = {
    async execute(command, args) {
      socket.write(
        `${JSON.stringify(args === undefined ? { execute: command } : { execute: command, arguments: args })}\n`,
      );
      for (;;) {
        const reply = await lines.next(timeoutMs);
        if (reply === undefined) throw new BrokkrError("qemu.failed", `QMP closed during ${command}`);
        if (reply.event !== undefined) continue;
        if (reply.error !== undefined) {
          throw new BrokkrError("qemu.failed", `QMP ${command}: ${reply.error.class}: ${reply.error.desc}`, {
            details: { command, args },
          });
        }
        return reply.return;
      }
    },
    close: () => socket.destroy(),
  };
  await client.execute("qmp_capabilities");
  return client;
}

/** Yields parsed JSON lines; undefined once the socket closed. */
function lineReader(socket: Socket) {
  let buffer = "";
  const queue: Reply[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line !== "") queue.push(JSON.parse(line) as Reply);
    }
    wake?.();
  });
  const end = () => {
    closed = true;
    wake?.();
  };
  socket.on("close", end);
  socket.on("error", end);
  return {
    async next(timeoutMs: number): Promise<Reply | undefined> {
      const until = Date.now() + timeoutMs;
      while (queue.length === 0 && !closed) {
        const left = until - Date.now();
        if (left <= 0) throw new BrokkrError("qemu.timeout", `no QMP reply within ${timeoutMs / 1000} s`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = undefined;
      }
      return queue.shift();
    },
  };
}
