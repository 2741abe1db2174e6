/**
 * What a deduplicator says of a `webhook-id`: "claimed" (this attempt holds the lease: run the
 * callbacks), "in_flight" (another attempt holds an unexpired lease: answer non-2xx so that Polar
 * tries again later) or "done" (handled already: answer 2xx so that Polar stops).
 */
export type WebhookClaim = "claimed" | "in_flight" | "done";

/**
 * Runs each webhook event's callbacks once, by `webhook-id` (stable across Polar's retries), even
 * when a retry or a duplicate reaches another instance. A claim is a lease: completed when the
 * callbacks succeed, released when they throw (so the retry runs them again), and expired after
 * `leaseMs` when the instance holding it died. `@polar-kit/core/dedupe/*` has Redis and SQL ones.
 */
export interface WebhookDeduplicator {
  /** Takes the lease on `id` unless another attempt holds it or it is done. */
  claim(id: string): WebhookClaim | Promise<WebhookClaim>;
  /** The callbacks succeeded: `id` is done for the retention time. */
  complete(id: string): void | Promise<void>;
  /** The callbacks failed: drops this attempt's lease, so that Polar's retry runs them again. */
  release(id: string): void | Promise<void>;
}

/** The times every deduplicator takes. */
export interface DeduplicatorTimes {
  /**
   * How long a claim holds before another instance may take it over: longer than your slowest
   * callback, since an instance that dies mid-callback delays its event by this much.
   * @default 60_000 (one minute)
   */
  leaseMs?: number;
  /**
   * How long a handled id is remembered: at least Polar's retry window (10 attempts over about
   * 34 minutes).
   * @default 86_400_000 (one day)
   */
  retentionMs?: number;
}

export const DEFAULT_LEASE_MS = 60_000;
export const DEFAULT_RETENTION_MS = 86_400_000;

/** `leaseMs` and `retentionMs` with their defaults, checked: positive whole milliseconds. */
export function deduplicatorTimes({
  leaseMs = DEFAULT_LEASE_MS,
  retentionMs = DEFAULT_RETENTION_MS,
}: DeduplicatorTimes) {
  for (const [name, value] of [
    ["leaseMs", leaseMs],
    ["retentionMs", retentionMs],
  ] as const) {
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new RangeError(`${name} must be a positive whole number of ms`);
  }
  return { leaseMs, retentionMs };
}

/**
 * A deduplicator for one process, bounded to the `maxEntries` most recent ids. Several instances
 * (serverless, replicas) need a shared one: Redis or SQL, from `@polar-kit/core/dedupe/*`.
 *
 * @example
 * Webhooks({ deduplicate: memoryDeduplicator({ maxEntries: 50_000 }), onOrderPaid })
 */
export function memoryDeduplicator({
  maxEntries = 10_000,
  now = Date.now,
  ...times
}: DeduplicatorTimes & { maxEntries?: number; now?: () => number } = {}): WebhookDeduplicator {
  const { leaseMs, retentionMs } = deduplicatorTimes(times);
  // Maps iterate in insertion order, and every write re-inserts, so the first entry is the oldest.
  const entries = new Map<string, { done: boolean; until: number }>();
  const put = (id: string, done: boolean, ms: number) => {
    entries.delete(id);
    entries.set(id, { done, until: now() + ms });
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
  };
  return {
    claim(id) {
      const entry = entries.get(id);
      if (entry && entry.until > now()) return entry.done ? "done" : "in_flight";
      put(id, false, leaseMs);
      return "claimed";
    },
    complete(id) {
      put(id, true, retentionMs);
    },
    release(id) {
      if (entries.get(id)?.done === false) entries.delete(id);
    },
  };
}
