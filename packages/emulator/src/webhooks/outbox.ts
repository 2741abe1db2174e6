import type { Db } from "../db";
import { uuid } from "../ids";
import type { Doc, Store } from "../store";

export const ENDPOINT = "webhook_endpoint";
export const EVENT = "webhook_event";
export const DELIVERY = "webhook_delivery";

/**
 * Records a webhook event and queues one delivery per enabled endpoint of the organization that
 * subscribed to its type. Runs inside the caller's transaction, so an event exists exactly when
 * the change that caused it was committed.
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
    .all<Doc & { enabled: boolean; events: string[] }>(ENDPOINT, { organizationId })
    .filter((endpoint) => endpoint.enabled && endpoint.events.includes(type));
  if (!endpoints.length) return;
  const timestamp = now.toISOString().replace("Z", "+00:00");
  const payload = JSON.stringify({ type, timestamp, data });
  const event = store.insert(
    EVENT,
    {
      id: uuid(),
      created_at: timestamp,
      modified_at: null,
      last_http_code: null,
      succeeded: null,
      skipped: false,
      payload,
      type,
      is_archived: false,
    },
    { organizationId },
  );
  const queue = db.prepare("INSERT INTO webhook_queue (event_id, endpoint_id, next_attempt_at) VALUES (?, ?, ?)");
  for (const endpoint of endpoints) queue.run(event.id, endpoint.id, now.getTime());
}
