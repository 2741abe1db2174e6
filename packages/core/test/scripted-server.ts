import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the scripted server saw it. */
export interface SeenRequest {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: string;
}

/** What to do with one request: answer, stall, or drop the connection. */
export type Reply =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { drop: true };

type Handler = (req: SeenRequest) => Reply;

/**
 * A real HTTP server on 127.0.0.1 that answers from a script: a queue of replies consumed in
 * order, then a fallback handler. Every request is recorded.
 */
export async function startScriptedServer(fallback: Handler = () => ({ status: 200, body: {} })) {
  const seen: SeenRequest[] = [];
  const queue: Reply[] = [];
  let handler = fallback;
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: SeenRequest = {
      method: req.method ?? "",
      url: new URL(req.url ?? "/", "http://127.0.0.1"),
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    };
    seen.push(request);
    const reply = queue.shift() ?? handler(request);
    if ("drop" in reply) {
      req.socket.destroy();
      return;
    }
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (res.destroyed) return;
    const isText = typeof reply.body === "string";
    const headers = {
      ...(reply.body !== undefined && { "content-type": isText ? "text/csv" : "application/json" }),
      ...reply.headers,
    };
    res.writeHead(reply.status, headers);
    res.end(reply.body === undefined ? undefined : isText ? reply.body : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    /** Replies used, in order, before the fallback handler. */
    script: (...replies: Reply[]) => queue.push(...replies),
    setHandler: (next: Handler) => {
      handler = next;
    },
    reset: () => {
      seen.length = 0;
      queue.length = 0;
      handler = fallback;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Wraps the real global fetch to count calls, without changing what goes over the wire. */
export function countingFetch() {
  const calls: string[] = [];
  const wrapped: typeof fetch = (input, init) => {
    calls.push(`${init?.method ?? "GET"} ${String(input)}`);
    return fetch(input, init);
  };
  return { fetch: wrapped, calls };
}
