import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One webhook request as the receiver got it. */
export interface Received {
  /** The request path and query, e.g. `/webhooks?to=a`. */
  path: string;
  id: string;
  timestamp: string;
  signature: string;
  userAgent: string | undefined;
  contentType: string | undefined;
  body: string;
  json: { type: string; timestamp: string; data: Record<string, unknown> };
}

/** What the receiver answers: a status (and optional body and headers), or `"hang"` to never answer. */
export type Answer = number | { status: number; body?: string; headers?: Record<string, string> } | "hang";

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Decides the answer to the n-th request (0-based), possibly later; 204 by default. */
  answer: (request: Received, n: number) => Answer | Promise<Answer>;
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A local HTTP server that records webhook requests; `port` reuses a port (to bring a receiver "back up"). */
export async function startReceiver(port = 0): Promise<Receiver> {
  const waiters: { count: number; resolve: () => void }[] = [];
  const hanging = new Set<() => void>();
  const receiver: Receiver = {
    url: "",
    port: 0,
    received: [],
    answer: () => 204,
    waitFor: (count) =>
      receiver.received.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise((resolve) => {
        for (const release of hanging) release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const request: Received = {
      path: req.url ?? "",
      id: String(req.headers["webhook-id"]),
      timestamp: String(req.headers["webhook-timestamp"]),
      signature: String(req.headers["webhook-signature"]),
      userAgent: req.headers["user-agent"],
      contentType: req.headers["content-type"],
      body,
      json: JSON.parse(body),
    };
    const n = receiver.received.push(request) - 1;
    for (const waiter of waiters.filter((w) => receiver.received.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const answer = await receiver.answer(request, n);
    if (answer === "hang") {
      hanging.add(() => res.destroy());
      return;
    }
    const { status, body: text = "", headers = {} } = typeof answer === "number" ? { status: answer } : answer;
    res.writeHead(status, headers).end(text);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/webhooks`;
  return receiver;
}

/** A URL on which nothing listens: a receiver that is down. */
export async function downReceiverUrl(): Promise<{ url: string; port: number }> {
  const receiver = await startReceiver();
  await receiver.close();
  return { url: receiver.url, port: receiver.port };
}

/** Polar's signature: HMAC-SHA256 keyed with the secret's UTF-8 bytes, over `id.timestamp.body`. */
export function expectedSignature(secret: string, request: Received): string {
  const mac = createHmac("sha256", Buffer.from(secret, "utf8"));
  return `v1,${mac.update(`${request.id}.${request.timestamp}.${request.body}`).digest("base64")}`;
}

/** Polls `check` until it holds (state that changes without an event to wait on); the test timeout bounds it. */
export async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 5));
}

export { otherOrganization } from "./harness";
