import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { bootstrap } from "./bootstrap";
import { Clock } from "./clock";
import type { EmulatorState } from "./context";
import { openDatabase, readSetting, writeSetting } from "./db";
import { modules } from "./resources";
import { recordSystemEvents } from "./resources/usage/system-events";
import { mountOperations } from "./router";
import { seedDemo } from "./seed";
import { Store } from "./store";
import { type DeliveryOptions, WebhookDeliverer } from "./webhooks/delivery";
import { registerWebhookEndpoint } from "./webhooks/endpoints";
import { emitWebhook } from "./webhooks/outbox";

/** Options of `startEmulator` (and of the CLI flags of the same names). */
export interface EmulatorOptions {
  /** `0` picks any free port. @default 8787 */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  /** A SQLite file to keep state in between runs. @default ":memory:" */
  db?: string;
  /** `"demo"` adds products of every kind to a fresh database. */
  seed?: "demo";
  /** Registers a webhook endpoint for every event type at start. */
  webhookUrl?: string;
  /** The secret of that endpoint. @default a new `whsec_…` */
  webhookSecret?: string;
  /** Answer 500 when a response would not match the spec (the emulator's own tests turn this on). */
  validateResponses?: boolean;
  webhooks?: DeliveryOptions;
}

/** A running emulator. */
export interface RunningEmulator {
  /** The API origin, e.g. `http://127.0.0.1:8787`: pass it as the client's `baseUrl`. */
  url: string;
  /** An organization access token with every scope. */
  accessToken: string;
  organizationId: string;
  /** The secret of the endpoint registered with `webhookUrl`, if any. */
  webhookSecret: string | undefined;
  state: EmulatorState;
  /** Delivers every webhook that is due now, retries included, and resolves when none is left. */
  flushWebhooks(): Promise<void>;
  /** Moves the emulator's clock forward (checkout expiry, renewals, token expiry). */
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

/**
 * Starts a local Polar API.
 *
 * @example
 * const emu = await startEmulator({ port: 0, seed: "demo" });
 * const polar = createPolar({ baseUrl: emu.url, accessToken: emu.accessToken });
 * await emu.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const db = openDatabase(options.db);
  const store = new Store(db);
  const clock = new Clock(readSetting<number>(db, "clock_offset_ms") ?? 0, (offsetMs) =>
    writeSetting(db, "clock_offset_ms", offsetMs),
  );
  let url = "";
  const state: EmulatorState = {
    db,
    store,
    clock,
    publicUrl: () => url,
    emit: (organizationId, type, data) => {
      emitWebhook(db, store, clock.now(), organizationId, type, data);
      recordSystemEvents(state, organizationId, type, data);
    },
    advanceClock: (ms) => {
      clock.advance(ms);
      sweep();
    },
  };
  const sweep = () => {
    for (const module of modules) if (module.sweep) db.transaction(() => module.sweep?.(state));
  };
  const credentials = bootstrap(state);
  if (options.seed === "demo") seedDemo(state, credentials.organizationId);
  const webhookSecret = options.webhookUrl
    ? registerWebhookEndpoint(state, credentials.organizationId, options.webhookUrl, options.webhookSecret)
    : undefined;

  const app = new Hono();
  for (const module of modules) module.routes?.(app, state);
  const handlers = Object.assign({}, ...modules.map((module) => module.handlers));
  mountOperations(app, state, handlers, { validateResponses: options.validateResponses ?? false });
  app.notFound((c) => c.json({ detail: "Not Found" }, 404));
  sweep();
  const sweeper = setInterval(sweep, 1000);
  sweeper.unref();

  const deliverer = new WebhookDeliverer(db, store, clock, options.webhooks);
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 8787, hostname: options.host ?? "127.0.0.1" }, () =>
      resolve(s),
    );
    // A port in use (or a bad host) must fail the start, not crash the process later.
    s.once("error", reject);
    // Clients keep connections alive for a few seconds; closing ours sooner (Node's default is
    // 5 s) races with a request being sent on the closing socket ("other side closed").
    const http = s as unknown as { keepAliveTimeout: number; headersTimeout: number };
    http.keepAliveTimeout = 65_000;
    http.headersTimeout = 66_000;
  }).catch((error) => {
    clearInterval(sweeper);
    db.close();
    throw error;
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const host = options.host ?? "127.0.0.1";
  // An IPv6 literal (e.g. `--host ::1`) needs brackets in a URL.
  url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  deliverer.start();

  return {
    url,
    ...credentials,
    webhookSecret,
    state,
    flushWebhooks: () => deliverer.flush(),
    advanceClock: state.advanceClock,
    close: async () => {
      clearInterval(sweeper);
      await deliverer.stop();
      await new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      });
      db.close();
    },
  };
}
