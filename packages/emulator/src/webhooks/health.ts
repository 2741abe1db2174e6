import type { Db } from "../db";
import type { Store } from "../store";
import { ENDPOINT, type EndpointDoc, skipPending } from "./outbox";

/** Polar disables an endpoint once this many events in a row have failed for good. */
export const DISABLE_AFTER_FAILED_EVENTS = 10;

/** Counts from zero again (a success, or the endpoint re-enabled by hand). */
export function resetFailures(db: Db, endpointId: string): void {
  db.prepare("DELETE FROM webhook_endpoint_health WHERE endpoint_id = ?").run(endpointId);
}

/**
 * Records that an event failed permanently for an endpoint; on the 10th in a row the endpoint is
 * disabled and its pending deliveries skipped. Returns whether it was disabled.
 */
export function recordFailedEvent(db: Db, store: Store, endpointId: string, nowIso: string): boolean {
  const { consecutive_failures: failures } = db
    .prepare(
      `INSERT INTO webhook_endpoint_health (endpoint_id, consecutive_failures) VALUES (?, 1)
       ON CONFLICT (endpoint_id) DO UPDATE SET consecutive_failures = consecutive_failures + 1
       RETURNING consecutive_failures`,
    )
    .get(endpointId) as { consecutive_failures: number };
  if (failures < DISABLE_AFTER_FAILED_EVENTS) return false;
  const endpoint = store.find<EndpointDoc>(ENDPOINT, endpointId);
  if (!endpoint?.enabled) return false;
  store.put(ENDPOINT, { ...endpoint, enabled: false, modified_at: nowIso });
  skipPending(db, store, endpointId);
  // Polar emails every member of the organization at this point; the emulator says it here.
  console.warn(
    `[emulator] webhook endpoint ${endpoint.url} disabled after ${failures} consecutive failed events; ` +
      're-enable it with PATCH /v1/webhooks/endpoints/{id} {"enabled": true}',
  );
  return true;
}
