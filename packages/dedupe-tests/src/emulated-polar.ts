import { WEBHOOK_EVENT_TYPES } from "@polar-kit/core";
import { type RunningEmulator, startEmulator } from "@polar-kit/emulator";

/** The webhook endpoints' one secret (chosen, so that receivers can start before the endpoints exist). */
export const WEBHOOK_SECRET = "whsec_dedupe_tests_0123456789abcdefghijklmnopqrstuvw";

export interface PolarOptions {
  /** Waits before retries 1…n (jittered to 50–100 % as Polar's): the compressed schedule. */
  retryDelaysMs: number[];
  /** Per-attempt timeout. */
  timeoutMs: number;
}

/** What the emulator recorded for the events of some endpoints, once nothing is pending. */
export interface SenderOutcome {
  /** Every event (its webhook-id) and its delivery state: "delivered", "failed" or "skipped". */
  states: Map<string, string>;
  /** Events with a successful attempt in the API's delivery log. */
  succeeded: Set<string>;
  /** Attempts the API's delivery log shows, by HTTP status ("none" when unreachable or timed out). */
  attemptsByStatus: Record<string, number>;
}

export interface EmulatedPolar {
  emulator: RunningEmulator;
  /** Registers `count` endpoints for every event type: Polar delivers to each one at a time, so more endpoints, more concurrency. */
  addEndpoints(url: string, count: number): Promise<string[]>;
  /** Creates and pays `count` checkouts over the API (about 9 events each, to every endpoint). */
  buy(count: number): Promise<void>;
  /** Resolves once none of these endpoints' events waits for an attempt; rejects after `timeoutMs`. */
  settled(endpointIds: readonly string[], timeoutMs?: number): Promise<void>;
  outcome(endpointIds: readonly string[]): Promise<SenderOutcome>;
  close(): Promise<void>;
}

const BILLING_ADDRESS = { country: "US", line1: "1 Main St", city: "Albany", postal_code: "12207", state: "US-NY" };

// Products bought with a plain confirm (the seat-based and pay-what-you-want ones need more input).
const PLAIN_PRICES = new Set(["fixed", "free"]);

export async function startEmulatedPolar(options: PolarOptions): Promise<EmulatedPolar> {
  const emulator = await startEmulator({ port: 0, seed: "demo", webhooks: options });
  const api = async (method: string, path: string, body?: unknown, token: string | null = emulator.accessToken) => {
    const response = await fetch(emulator.url + path, {
      method,
      headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    // biome-ignore lint/suspicious/noExplicitAny: the emulator's JSON answers, read field by field.
    return json as any;
  };
  const queueOf = (endpointIds: readonly string[]) =>
    emulator.state.db
      .prepare(
        `SELECT event_id, state FROM webhook_queue WHERE endpoint_id IN (${endpointIds.map(() => "?").join(",")})`,
      )
      .all(...endpointIds) as { event_id: string; state: string }[];

  return {
    emulator,
    async addEndpoints(url, count) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const endpoint = await api("POST", "/v1/webhooks/endpoints", {
          url: `${url}/webhooks/${i + 1}`,
          format: "raw",
          events: WEBHOOK_EVENT_TYPES,
          secret: WEBHOOK_SECRET,
        });
        ids.push(endpoint.id);
      }
      return ids;
    },
    async buy(count) {
      const { items } = await api("GET", "/v1/products/?limit=100");
      const products = (items as { id: string; prices: { amount_type: string }[] }[]).filter((product) =>
        product.prices.every((price) => PLAIN_PRICES.has(price.amount_type)),
      );
      for (let i = 0; i < count; i++) {
        const product = products[i % products.length] as { id: string };
        const checkout = await api("POST", "/v1/checkouts/", { products: [product.id] });
        const buyer = {
          customer_email: `buyer-${i}-${checkout.id}@example.com`,
          customer_name: "Dee Dupe",
          customer_billing_address: BILLING_ADDRESS,
        };
        await api("POST", `/v1/checkouts/client/${checkout.client_secret}/confirm`, buyer, null);
      }
    },
    async settled(endpointIds, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (queueOf(endpointIds).some((row) => row.state === "pending")) {
        if (Date.now() > deadline) throw new Error(`webhook deliveries still pending after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async outcome(endpointIds) {
      const states = new Map(queueOf(endpointIds).map((row) => [row.event_id, row.state]));
      const succeeded = new Set<string>();
      const attemptsByStatus: Record<string, number> = {};
      for (const endpointId of endpointIds) {
        for (let page = 1; ; page++) {
          const { items, pagination } = await api(
            "GET",
            `/v1/webhooks/deliveries?endpoint_id=${endpointId}&limit=100&page=${page}`,
          );
          for (const delivery of items as {
            succeeded: boolean;
            http_code: number | null;
            webhook_event: { id: string };
          }[]) {
            if (delivery.succeeded) succeeded.add(delivery.webhook_event.id);
            const status = String(delivery.http_code ?? "none");
            attemptsByStatus[status] = (attemptsByStatus[status] ?? 0) + 1;
          }
          if (page >= pagination.max_page) break;
        }
      }
      return { states, succeeded, attemptsByStatus };
    },
    close: () => emulator.close(),
  };
}
