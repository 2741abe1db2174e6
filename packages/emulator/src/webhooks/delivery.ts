import { signWebhook } from "@polar-kit/core/webhooks";
import type { Clock } from "../clock";
import type { Db } from "../db";
import { uuid } from "../ids";
import type { Doc, Store } from "../store";
import { DELIVERY, ENDPOINT, EVENT } from "./outbox";

interface QueueRow {
  seq: number;
  event_id: string;
  endpoint_id: string;
  attempts: number;
  next_attempt_at: number;
}

export interface DeliveryOptions {
  /** Waits before each retry; the number of entries + 1 is the number of attempts. */
  retryDelaysMs?: number[];
  /** Per-attempt timeout, like Polar's. @default 10000 */
  timeoutMs?: number;
}

// Polar retries up to 10 attempts with growing waits; locally the waits are seconds, not hours.
const DEFAULT_DELAYS = [1000, 2000, 5000, 10_000, 20_000, 30_000, 60_000, 60_000, 60_000];
const RESPONSE_LIMIT = 2048;

/**
 * Delivers queued webhook events: signed like Polar (Standard Webhooks, key = the secret's UTF-8
 * bytes), in order per endpoint (an event waits while an earlier one for the same endpoint is
 * pending), retried on failure, with every attempt recorded as a `WebhookDelivery`.
 */
export class WebhookDeliverer {
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #stopped = false;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #delays: number[];
  readonly #timeoutMs: number;

  constructor(
    private readonly db: Db,
    private readonly store: Store,
    private readonly clock: Clock,
    options: DeliveryOptions = {},
  ) {
    this.#delays = options.retryDelaysMs ?? DEFAULT_DELAYS;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  start(): void {
    const tick = async () => {
      if (this.#stopped) return;
      await this.deliverDue();
      if (!this.#stopped) this.#timer = setTimeout(tick, 25);
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await Promise.all(this.#inFlight);
  }

  /** Attempts every delivery that is due now: the oldest pending one of each endpoint. */
  async deliverDue(): Promise<number> {
    if (this.#running) return 0;
    this.#running = true;
    try {
      const heads = this.db
        .prepare(
          `SELECT q.* FROM webhook_queue q
           WHERE q.state = 'pending' AND q.seq = (SELECT MIN(seq) FROM webhook_queue p WHERE p.endpoint_id = q.endpoint_id AND p.state = 'pending')`,
        )
        .all() as QueueRow[];
      const due = heads.filter((row) => row.next_attempt_at <= this.clock.now().getTime());
      const attempts = due.map((row) => this.#attempt(row));
      for (const attempt of attempts) this.#inFlight.add(attempt);
      await Promise.all(attempts);
      for (const attempt of attempts) this.#inFlight.delete(attempt);
      return due.length;
    } finally {
      this.#running = false;
    }
  }

  /** Resolves once nothing is pending and due (tests call this instead of sleeping). */
  async flush(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      while (this.#running) await new Promise((r) => setTimeout(r, 5));
      if (!(await this.deliverDue())) return;
    }
  }

  /** How many deliveries are still waiting (for a retry or behind an earlier event). */
  pending(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM webhook_queue WHERE state = 'pending'").get() as { n: number })
      .n;
  }

  async #attempt(row: QueueRow): Promise<void> {
    const endpoint = this.store.find<Doc & { url: string; secret: string; enabled: boolean }>(
      ENDPOINT,
      row.endpoint_id,
    );
    const event = this.store.find<Doc & { payload: string }>(EVENT, row.event_id);
    if (!endpoint || !event || !endpoint.enabled) {
      this.db.prepare("UPDATE webhook_queue SET state = 'skipped' WHERE seq = ?").run(row.seq);
      return;
    }
    const now = this.clock.now();
    const headers = await signWebhook({
      id: event.id,
      timestamp: Math.floor(now.getTime() / 1000),
      body: event.payload,
      secret: endpoint.secret,
    });
    let status: number | null = null;
    let response: string | null = null;
    try {
      const res = await fetch(endpoint.url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "polar.sh webhooks", ...headers },
        body: event.payload,
        redirect: "manual",
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      status = res.status;
      response = (await res.text()).slice(0, RESPONSE_LIMIT);
    } catch (error) {
      response = String((error as Error).message).slice(0, RESPONSE_LIMIT);
    }
    const succeeded = status !== null && status >= 200 && status < 300;
    const attempts = row.attempts + 1;
    const iso = now.toISOString().replace("Z", "+00:00");
    this.db.transaction(() => {
      const updatedEvent = this.store.put(EVENT, { ...event, modified_at: iso, last_http_code: status, succeeded });
      // Stored under the endpoint as its "customer" column, so deliveries list by endpoint cheaply.
      this.store.insert(
        DELIVERY,
        {
          id: uuid(),
          created_at: iso,
          modified_at: null,
          succeeded,
          http_code: status,
          response,
          webhook_event: updatedEvent,
        },
        { organizationId: endpoint.organization_id as string, customerId: endpoint.id },
      );
      const delay = this.#delays[attempts - 1];
      if (succeeded || delay === undefined) {
        this.db
          .prepare("UPDATE webhook_queue SET state = ?, attempts = ? WHERE seq = ?")
          .run(succeeded ? "delivered" : "failed", attempts, row.seq);
      } else {
        this.db
          .prepare("UPDATE webhook_queue SET attempts = ?, next_attempt_at = ? WHERE seq = ?")
          .run(attempts, now.getTime() + delay, row.seq);
      }
    })();
  }
}
