import type { Clock } from "../clock";
import type { Db } from "../db";
import { uuid } from "../ids";
import type { Store } from "../store";
import { recordFailedEvent, resetFailures } from "./health";
import { DELIVERY, ENDPOINT, type EndpointDoc, EVENT, type EventDoc, onQueued, skipRow } from "./outbox";
import { POLAR_RETRY_DELAYS_MS, retryDelay } from "./schedule";
import { type AttemptResult, isSuccess, postWebhook } from "./send";
import { signPolarWebhook } from "./sign";

interface QueueRow {
  seq: number;
  event_id: string;
  endpoint_id: string;
  attempts: number;
  next_attempt_at: number;
}

export interface DeliveryOptions {
  /**
   * Waits before each retry, jittered to 50–100 % of each value; the number of entries + 1 is the
   * number of attempts.
   * @default Polar's: 4 s, 8 s, 16 s … 1024 s (10 attempts, about 17–34 min in all)
   */
  retryDelaysMs?: number[];
  /** Per-attempt timeout, like Polar's. @default 10000 */
  timeoutMs?: number;
}

// The queue is polled for retries that came due (the clock can also jump); new events wake it at once.
const POLL_MS = 25;

/**
 * Delivers queued webhook events: signed like Polar (Standard Webhooks, key = the secret's UTF-8
 * bytes), one request at a time per endpoint, in queue order among the due ones (so first attempts
 * are FIFO, while an event waiting for a retry does not hold later ones back, as on Polar), retried
 * on failure with the same webhook-id and body, every attempt recorded as a `WebhookDelivery`.
 * The queue lives in the database, so a restarted emulator resumes where the last one stopped.
 */
export class WebhookDeliverer {
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #unsubscribe: (() => void) | undefined;
  // The attempt in flight per endpoint id.
  readonly #lanes = new Map<string, Promise<void>>();
  readonly #delays: readonly number[];
  readonly #timeoutMs: number;
  readonly #due;

  constructor(
    private readonly db: Db,
    private readonly store: Store,
    private readonly clock: Clock,
    options: DeliveryOptions = {},
  ) {
    this.#delays = options.retryDelaysMs ?? POLAR_RETRY_DELAYS_MS;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    // The oldest due delivery of each endpoint.
    this.#due = db.prepare(
      `SELECT q.* FROM webhook_queue q JOIN (
         SELECT MIN(seq) AS seq FROM webhook_queue WHERE state = 'pending' AND next_attempt_at <= ? GROUP BY endpoint_id
       ) head ON q.seq = head.seq ORDER BY q.seq`,
    );
  }

  start(): void {
    this.#unsubscribe = onQueued(this.db, () => this.#pump());
    const tick = () => {
      this.#pump();
      if (!this.#stopped) this.#timer = setTimeout(tick, POLL_MS);
    };
    this.#timer = setTimeout(tick, 0);
  }

  /** Stops taking new work and waits for the attempts in flight (what is still queued stays queued). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#unsubscribe?.();
    await Promise.all(this.#lanes.values());
  }

  /** Resolves once no delivery is in flight or due now (tests call this instead of sleeping). */
  async flush(): Promise<void> {
    while (!this.#stopped) {
      this.#pump();
      if (!this.#lanes.size) return;
      await Promise.all(this.#lanes.values());
    }
  }

  /** Starts the oldest due delivery of every endpoint that has nothing in flight. */
  #pump(): void {
    if (this.#stopped || !this.db.open) return;
    const rows = this.#due.all(this.clock.now().getTime()) as QueueRow[];
    for (const row of rows) {
      if (this.#lanes.has(row.endpoint_id)) continue;
      const lane = this.#attempt(row)
        .catch((error) => console.error("[emulator] webhook delivery failed", error))
        .finally(() => {
          this.#lanes.delete(row.endpoint_id);
          this.#pump();
        });
      this.#lanes.set(row.endpoint_id, lane);
    }
  }

  async #attempt(row: QueueRow): Promise<void> {
    const endpoint = this.store.find<EndpointDoc>(ENDPOINT, row.endpoint_id);
    const event = this.store.find<EventDoc>(EVENT, row.event_id);
    if (!endpoint || !event || !endpoint.enabled || event.payload === null) {
      skipRow(this.db, this.store, row.seq, row.event_id);
      return;
    }
    // Real time, not the emulator's clock: receivers check webhook-timestamp against their own
    // clock (±5 min), so an advanced emulator clock must not make every signature look stale.
    const seconds = Math.floor(Date.now() / 1000);
    const headers = signPolarWebhook(endpoint.secret, event.id, seconds, event.payload);
    const result = await postWebhook(endpoint.url, headers, event.payload, this.#timeoutMs);
    this.db.transaction(() => this.#record(row, endpoint, event, result));
  }

  #record(row: QueueRow, endpoint: EndpointDoc, event: EventDoc, result: AttemptResult): void {
    const now = this.clock.now();
    const iso = now.toISOString().replace("Z", "+00:00");
    const succeeded = isSuccess(result);
    const current = this.store.find<EventDoc>(EVENT, event.id) ?? event;
    const updated = this.store.put(EVENT, {
      ...current,
      modified_at: iso,
      last_http_code: result.status,
      succeeded,
    });
    // Stored under the endpoint as its "customer" column, so deliveries list by endpoint cheaply.
    this.store.insert(
      DELIVERY,
      {
        id: uuid(),
        created_at: iso,
        modified_at: null,
        succeeded,
        http_code: result.status,
        response: result.response,
        webhook_event: updated,
      },
      { organizationId: endpoint.organization_id, customerId: endpoint.id },
    );
    const attempts = row.attempts + 1;
    // The row may have been skipped while the request was in flight (endpoint disabled or deleted).
    const { state } = this.db.prepare("SELECT state FROM webhook_queue WHERE seq = ?").get(row.seq) as {
      state: string;
    };
    if (state !== "pending") return;
    const delay = succeeded ? undefined : retryDelay(this.#delays, attempts);
    if (delay === undefined) {
      this.db
        .prepare("UPDATE webhook_queue SET state = ?, attempts = ? WHERE seq = ?")
        .run(succeeded ? "delivered" : "failed", attempts, row.seq);
      if (succeeded) resetFailures(this.db, endpoint.id);
      else recordFailedEvent(this.db, this.store, endpoint.id, iso);
    } else {
      this.db
        .prepare("UPDATE webhook_queue SET attempts = ?, next_attempt_at = ? WHERE seq = ?")
        .run(attempts, now.getTime() + delay, row.seq);
    }
  }
}
