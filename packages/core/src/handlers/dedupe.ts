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
 * An in-memory deduplicator for one process, bounded to the `maxEntries` most recent ids (a
 * `webhook-id` names one event forever, so there is nothing to expire).
 *
 * @example
 * Webhooks({ deduplicate: memoryDeduplicator({ maxEntries: 50_000 }), onOrderPaid })
 */
export function memoryDeduplicator({ maxEntries = 10_000 } = {}): WebhookDeduplicator {
  const seen = new Set<string>();
  return {
    claim(id) {
      if (seen.has(id)) return false;
      seen.add(id);
      // Sets iterate in insertion order, so the first id is the oldest.
      if (seen.size > maxEntries) seen.delete(seen.values().next().value as string);
      return true;
    },
    release(id) {
      seen.delete(id);
    },
  };
}
