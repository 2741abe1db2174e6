/**
 * Remembers which webhook deliveries were handled, by `webhook-id` (stable across Polar's retries),
 * so that a redelivered event runs its handlers once. Back it with Redis or a database table to
 * share it between processes.
 */
export interface WebhookDeduplicator {
  /** Marks `id` as being handled; resolves to false when it was handled already or is in flight. */
  claim(id: string): boolean | Promise<boolean>;
  /** Forgets `id` after a failed attempt, so that Polar's retry runs the handlers again. */
  release(id: string): void | Promise<void>;
}

/**
 * An in-memory deduplicator for one process: bounded, and entries expire after `ttlSeconds`
 * (Polar's retries of one event span hours, not days).
 *
 * @example
 * Webhooks({ deduplicate: memoryDeduplicator({ maxEntries: 50_000 }), onOrderPaid })
 */
export function memoryDeduplicator({ ttlSeconds = 86_400, maxEntries = 10_000 } = {}): WebhookDeduplicator {
  const seen = new Map<string, number>();
  return {
    claim(id) {
      const now = Date.now();
      const expires = seen.get(id);
      if (expires !== undefined && expires > now) return false;
      seen.delete(id);
      seen.set(id, now + ttlSeconds * 1000);
      // Maps iterate in insertion order, so the first key is the oldest.
      if (seen.size > maxEntries) seen.delete(seen.keys().next().value as string);
      return true;
    },
    release(id) {
      seen.delete(id);
    },
  };
}
