import type { Db } from "../db";
import { uuid } from "../ids";
import type { Doc, Store } from "../store";

export const ENDPOINT = "webhook_endpoint";
export const EVENT = "webhook_event";
export const DELIVERY = "webhook_delivery";

/** A webhook endpoint as stored: the API's `WebhookEndpoint`. */
export type EndpointDoc = Doc & {
  url: string;
  secret: string;
  organization_id: string;
  events: string[];
  enabled: boolean;
};

/** A webhook event as stored: the API's `WebhookEvent`, one per (change, endpoint) as on Polar. */
export type EventDoc = Doc & { payload: string | null; type: string; skipped: boolean };

// Deliverers waiting for new work, by database; told after the emitting transaction commits.
const listeners = new WeakMap<Db, Set<() => void>>();

/** Calls `listener` (on a later tick, so after the caller's transaction) whenever deliveries are queued. */
export function onQueued(db: Db, listener: () => void): () => void {
  const set = listeners.get(db) ?? new Set();
  listeners.set(db, set);
  set.add(listener);
  return () => set.delete(listener);
}

const notifying = new WeakSet<Db>();

/** Wakes the deliverers of `db` (after new deliveries, or a clock change that may have made retries due). */
export function notifyQueued(db: Db): void {
  const set = listeners.get(db);
  if (!set?.size || notifying.has(db)) return;
  notifying.add(db);
  setImmediate(() => {
    notifying.delete(db);
    for (const listener of set) listener();
  });
}

/** Queues one delivery of an event to an endpoint; `attempts` counts earlier attempts of the same event. */
export function enqueue(db: Db, eventId: string, endpointId: string, atMs: number, attempts = 0): void {
  db.prepare("INSERT INTO webhook_queue (event_id, endpoint_id, attempts, next_attempt_at) VALUES (?, ?, ?, ?)").run(
    eventId,
    endpointId,
    attempts,
    atMs,
  );
  notifyQueued(db);
}

/**
 * Records a webhook event per enabled endpoint of the organization subscribed to its type, and
 * queues its delivery. Runs inside the caller's transaction, so an event exists exactly when the
 * change that caused it was committed. The payload is serialized once: every attempt sends the
 * same bytes.
 */
export function emitWebhook(
  db: Db,
  store: Store,
  now: Date,
  organizationId: string,
  type: string,
  data: unknown,
): void {
  const endpoints = store
    .all<EndpointDoc>(ENDPOINT, { organizationId })
    .filter((endpoint) => endpoint.enabled && endpoint.events.includes(type));
  if (!endpoints.length) return;
  const timestamp = now.toISOString().replace("Z", "+00:00");
  const payload = JSON.stringify({ type, timestamp, data });
  for (const endpoint of endpoints) {
    const event: EventDoc = {
      id: uuid(),
      created_at: timestamp,
      modified_at: null,
      last_http_code: null,
      succeeded: null,
      skipped: false,
      payload,
      type,
      is_archived: false,
    };
    // The endpoint goes in the "customer" column: events and deliveries are looked up by endpoint.
    store.insert(EVENT, event, { organizationId, customerId: endpoint.id });
    enqueue(db, event.id, endpoint.id, now.getTime());
  }
}

/** The organization and endpoint an event belongs to (kept in its scope columns). */
export function eventScope(db: Db, eventId: string): { organizationId: string; endpointId: string } | undefined {
  const row = db
    .prepare("SELECT organization_id, customer_id FROM resources WHERE kind = ? AND id = ?")
    .get(EVENT, eventId) as { organization_id: string; customer_id: string } | undefined;
  return row && { organizationId: row.organization_id, endpointId: row.customer_id };
}

/** Marks every pending delivery of an endpoint, and its event, as skipped (endpoint disabled or deleted). */
export function skipPending(db: Db, store: Store, endpointId: string): void {
  const rows = db
    .prepare("SELECT seq, event_id FROM webhook_queue WHERE endpoint_id = ? AND state = 'pending'")
    .all(endpointId) as { seq: number; event_id: string }[];
  for (const row of rows) skipRow(db, store, row.seq, row.event_id);
}

export function skipRow(db: Db, store: Store, seq: number, eventId: string): void {
  db.prepare("UPDATE webhook_queue SET state = 'skipped' WHERE seq = ?").run(seq);
  const event = store.find<EventDoc>(EVENT, eventId);
  if (event && !event.skipped) store.put(EVENT, { ...event, skipped: true });
}
