/**
 * Request headers in any common shape: a Fetch `Headers`, or a plain record with names in any case
 * and, as Node's `IncomingMessage.headers` has them, arrays for repeated headers.
 */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Record<string, string | readonly string[] | null | undefined>;

type HeaderRecord = Record<string, string | readonly string[] | null | undefined>;

/** Reads headers by lower-case name, whatever their shape; the first value of a repeated one. */
export function headerReader(headers: WebhookHeaders): HeaderReader {
  if (typeof headers.get === "function") return headers as HeaderReader;
  const entries = Object.entries(headers as HeaderRecord);
  return {
    get(name) {
      const value = entries.find(([key, v]) => v != null && key.toLowerCase() === name)?.[1];
      return typeof value === "string" ? value : value?.[0];
    },
  };
}

/** What verification reads headers through: a Fetch `Headers` is one. */
export interface HeaderReader {
  get(name: string): string | null | undefined;
}
