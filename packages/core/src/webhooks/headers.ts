/**
 * Request headers in any common shape: a Fetch `Headers`, or a plain record with names in any case
 * and, as Node's `IncomingMessage.headers` has them, arrays for repeated headers.
 */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Record<string, string | readonly string[] | null | undefined>;

type HeaderRecord = Record<string, string | readonly string[] | null | undefined>;

/** One header by its lower-case name; the first value when it was repeated. */
export function readHeader(headers: WebhookHeaders, name: string): string | null | undefined {
  if (typeof headers.get === "function") return (headers as Headers).get(name);
  const record = headers as HeaderRecord;
  let value = record[name];
  // Node lower-cases header names; a hand-built record may not. The first name with a value wins.
  if (value == null) {
    for (const key in record) if (value == null && key.toLowerCase() === name) value = record[key];
  }
  return typeof value === "string" ? value : value?.[0];
}
