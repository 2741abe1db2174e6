/**
 * The lease tokens of this process's attempts, by webhook id, for the shared deduplicators.
 * `release(id)` does not say which attempt calls it, so with two here at once (the first outlived
 * its lease) it gives nothing to delete: a lease left to expire only delays a retry, a wrong delete
 * could run the callbacks twice.
 */
export function attemptTokens() {
  const tokens = new Map<string, string[]>();
  return {
    /** A new attempt took the lease with `token`. */
    add(id: string, token: string) {
      tokens.set(id, [...(tokens.get(id) ?? []), token]);
    },
    /** The oldest attempt's token, if this process holds one. */
    first: (id: string): string | undefined => tokens.get(id)?.[0],
    /** The id is done: its attempts are over. */
    forget(id: string) {
      tokens.delete(id);
    },
    /** The token a failed attempt may delete its lease with: only when it is the process's only one. */
    takeForRelease(id: string): string | undefined {
      const held = tokens.get(id);
      if (!held) return undefined;
      if (held.length > 1) {
        held.shift();
        return undefined;
      }
      tokens.delete(id);
      return held[0];
    },
  };
}
