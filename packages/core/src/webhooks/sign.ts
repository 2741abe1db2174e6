import { rawBody, type WebhookBody } from "./body";
import { cachedKey, type Hmac, type WebhookKeyMode } from "./keys";

/** Options of `signWebhook`. */
export interface SignWebhookOptions {
  /** The exact body that will be sent. */
  body: WebhookBody;
  secret: string;
  /**
   * The `webhook-id`; must not contain `.`.
   * @default a random UUID, as Polar sends
   */
  id?: string;
  /**
   * The signing time, as a `Date` or Unix seconds.
   * @default the system clock
   */
  timestamp?: Date | number;
  /** @default "polar" */
  keyMode?: WebhookKeyMode;
}

/**
 * The three Standard Webhooks headers, ready for `new Request(url, { headers })`. A type alias, not
 * an interface, so that it is assignable to `HeadersInit` and `Record<string, string>`.
 */
export type WebhookSignatureHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

/** Signs a body the way Polar does: `v1,` + base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`. */
export async function sign<Key>(hmac: Hmac<Key>, options: SignWebhookOptions): Promise<WebhookSignatureHeaders> {
  const { body, secret, id = crypto.randomUUID(), timestamp = Date.now() / 1000, keyMode } = options;
  const seconds = Math.floor(typeof timestamp === "number" ? timestamp : +timestamp / 1000);
  if (!id || id.includes(".")) throw new TypeError("webhook id must be non-empty and contain no '.'");
  if (!(seconds >= 0)) throw new TypeError("webhook timestamp must be a time after 1970");
  const key = await cachedKey(hmac, secret, keyMode);
  const signature = await hmac.sign(key as Awaited<Key>, `${id}.${seconds}.`, rawBody(body, Number.POSITIVE_INFINITY));
  return { "webhook-id": id, "webhook-timestamp": `${seconds}`, "webhook-signature": `v1,${signature}` };
}
