/**
 * Polar's waits before retries 1 to 9 (10 attempts in all): dramatiq's `compute_backoff` with a
 * 2 s factor, `2000 · 2^n` ms for delivery count n, capped at 20 min (never reached).
 */
export const POLAR_RETRY_DELAYS_MS = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => Math.min(2000 * 2 ** n, 1_200_000));

/**
 * The wait after the `attempts`-th failed attempt of an event, jittered to [50 %, 100 %] of the
 * scheduled value as Polar's is, or `undefined` when the schedule is exhausted (a permanent failure).
 */
export function retryDelay(delays: readonly number[], attempts: number, random = Math.random): number | undefined {
  const base = delays[attempts - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (0.5 + random() * 0.5));
}
