import { rawBody, type WebhookBody } from "./body";
import { fail } from "./errors";
import type { UnknownWebhookEvent, WebhookEvent } from "./events";
import { type HeaderReader, headerReader, type WebhookHeaders } from "./headers";
import { cachedKey, type Hmac, type WebhookKeyMode } from "./keys";

/** Options of `verifyWebhook` and `verifyWebhookSignature`. */
export interface VerifyWebhookOptions {
  /** The raw request body (`await request.text()` or `arrayBuffer()`, `express.raw()`), never re-serialized JSON. */
  body: WebhookBody;
  /** The request headers: `Headers`, or a record such as Node's `req.headers`. */
  headers: WebhookHeaders;
  /** The endpoint's signing secret, e.g. `whsec_…` from the Polar dashboard. */
  secret: string;
  /**
   * How far `webhook-timestamp` may be from `now`, either way, in seconds (inclusive).
   * @default 300
   */
  toleranceSeconds?: number;
  /**
   * The current time, as a `Date` or as Unix **seconds** (not milliseconds); compared at whole seconds.
   * @default the system clock
   */
  now?: Date | number;
  /**
   * `"polar"`: the key is the UTF-8 bytes of the whole secret, as Polar signs. `"standard"`: plain
   * Standard Webhooks (base64 after `whsec_`), for other senders.
   * @default "polar"
   */
  keyMode?: WebhookKeyMode;
  /**
   * Larger bodies are rejected (`body_too_large`) before any hashing.
   * @default 1048576 (1 MiB)
   */
  maxBodyBytes?: number;
}

type ParsedEvent = WebhookEvent | UnknownWebhookEvent;

/**
 * What `verify` checks: the options with the body as bytes (within `maxBodyBytes` already) and
 * the headers as a reader.
 */
export interface VerifyInput extends Omit<VerifyWebhookOptions, "body" | "headers"> {
  body: Uint8Array;
  headers: HeaderReader;
}

const TIMESTAMP = /^\d+$/;

/** The public options in the shape `verify` reads (the request handler builds that shape itself). */
export const verifyInput = (options: VerifyWebhookOptions): VerifyInput => ({
  ...options,
  body: rawBody(options.body, options.maxBodyBytes ?? 1 << 20),
  headers: headerReader(options.headers),
});

/**
 * Checks the headers, clock and signature, then (with `parse`) parses the body. One function for
 * both public entry points keeps the edge bundle small.
 */
export function verify<Key>(hmac: Hmac<Key>, input: VerifyInput, parse: true): Promise<ParsedEvent>;
export function verify<Key>(hmac: Hmac<Key>, input: VerifyInput): Promise<undefined>;
export async function verify<Key>(hmac: Hmac<Key>, input: VerifyInput, parse?: true): Promise<ParsedEvent | undefined> {
  const { headers, body, secret, toleranceSeconds = 300, now = Date.now() / 1000, keyMode } = input;
  const key = await cachedKey(hmac, secret, keyMode);
  const header = (name: string) => headers.get(name) || fail("missing_header", `Missing ${name} header`);
  const id = header("webhook-id");
  const timestamp = header("webhook-timestamp");
  const signatures = header("webhook-signature");
  if (!TIMESTAMP.test(timestamp)) fail("invalid_timestamp", "Invalid webhook-timestamp");
  const age = Math.floor(typeof now === "number" ? now : +now / 1000) - Number(timestamp);
  if (age > toleranceSeconds) fail("timestamp_too_old", `webhook-timestamp is ${age} s old`);
  if (-age > toleranceSeconds) fail("timestamp_too_new", `webhook-timestamp is ${-age} s ahead`);
  const expected = `v1,${await hmac.sign(key as Awaited<Key>, `${id}.${timestamp}.`, body)}`;
  if (!signatures.split(" ").some((signature) => equal(signature, expected))) {
    fail("no_matching_signature", "No matching webhook signature (check the secret, keyMode and raw body)");
  }
  if (!parse) return;
  let event: { type?: unknown } | undefined;
  try {
    event = JSON.parse(strictUtf8.decode(body));
  } catch {}
  if (typeof event?.type !== "string") fail("invalid_body", "Webhook body is not a JSON event");
  return event as ParsedEvent;
}

const strictUtf8 = /* @__PURE__ */ new TextDecoder("utf-8", { fatal: true });

/** Compares in time that depends on the lengths only, which are public. */
function equal(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return !diff;
}
