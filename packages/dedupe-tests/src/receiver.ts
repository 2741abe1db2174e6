// One webhook receiver instance, as its own Node.js process: a node:http server whose only route
// calls core's `handleWebhook` with the deduplicator of `RECEIVER_CONFIG.engine`. Tests start
// several; the benchmark starts one. Tells its parent the port over IPC once it listens.
import { closeSync, openSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { WebhookEvent } from "@polar-kit/core";
import { handleWebhook } from "@polar-kit/core/handlers";
import { webhookHmac } from "@polar-kit/core/webhooks";
import { type EngineSpec, openEngine } from "./engines.ts";
import { appendEntry } from "./run-log.ts";

export interface ReceiverConfig {
  /** Written on every log line, e.g. "r1". */
  instance: string;
  /** The webhook endpoints' secret. */
  secret: string;
  engine: EngineSpec;
  /** The run log (JSONL); without one the callback does nothing and nothing is written (benchmarks). */
  log?: string;
  faults?: CallbackFaults;
}

/** Faults the callback injects; the first process to take a gate file (O_EXCL) in `dir` is the one that fails. */
export interface CallbackFaults {
  dir: string;
  /** The first callback of this event type, on any instance, hangs until its process is killed. */
  hangType?: string;
  /** The first run of about one event in this many throws (Polar retries it). */
  failOneIn?: number;
  /** Each callback first waits up to this long, so that concurrent duplicates overlap. */
  maxCallbackMs?: number;
}

const config = JSON.parse(process.env.RECEIVER_CONFIG ?? "") as ReceiverConfig;
const engine = await openEngine(config.engine);
const { instance, log, faults } = config;
const quiet = { warn: () => {}, error: () => {} };
let requests = 0;

/** Takes a gate file: true for the first caller across all processes, false afterwards. */
function takeGate(path: string): boolean {
  try {
    closeSync(openSync(path, "wx"));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

const hashOf = (text: string) => [...text].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 7);

async function callback(event: WebhookEvent, id: string, attempt: string): Promise<void> {
  if (!log) return;
  if (faults?.hangType === event.type && takeGate(`${faults.dir}/hang`)) {
    appendEntry(log, { kind: "begin", instance, attempt, id, type: event.type });
    await new Promise(() => {});
  }
  if (faults?.maxCallbackMs) await sleep(Math.random() * faults.maxCallbackMs);
  if (faults?.failOneIn && hashOf(id) % faults.failOneIn === 0 && takeGate(`${faults.dir}/fail-${id}`)) {
    appendEntry(log, { kind: "run", instance, attempt, id, type: event.type, failed: true });
    throw new Error("injected callback failure");
  }
  appendEntry(log, { kind: "run", instance, attempt, id, type: event.type, failed: false });
}

async function toRequest(message: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (let i = 0; i < message.rawHeaders.length; i += 2) {
    headers.append(message.rawHeaders[i] as string, message.rawHeaders[i + 1] as string);
  }
  return new Request(`http://${instance}${message.url}`, {
    method: message.method,
    headers,
    body: message.method === "GET" || message.method === "HEAD" ? undefined : Buffer.concat(chunks),
  });
}

const server = createServer(async (message, reply) => {
  const attempt = `${instance}#${++requests}`;
  const request = await toRequest(message);
  const id = request.headers.get("webhook-id") ?? "";
  const response = await handleWebhook(
    request,
    {
      webhookSecret: config.secret,
      deduplicate: engine.deduplicate,
      logger: quiet,
      onPayload: (event) => callback(event, id, attempt),
    },
    { hmac: webhookHmac },
  );
  const text = await response.text();
  if (log) {
    const duplicate = response.ok && (JSON.parse(text) as { duplicate?: boolean }).duplicate === true;
    appendEntry(log, { kind: "answer", instance, attempt, id, status: response.status, duplicate });
  }
  reply.writeHead(response.status, Object.fromEntries(response.headers)).end(text);
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.send?.({ port: typeof address === "object" && address ? address.port : 0 });
});

// The test process went away without stopping this one (crashed, or killed): do not outlive it.
process.once("disconnect", () => process.exit(1));

// SIGTERM: the orderly stop between tests (SIGKILL is the fault under test).
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => engine.close().finally(() => process.exit(0)));
});
