import { createHmac } from "node:crypto";

/** The Standard Webhooks headers of one delivery attempt. */
export type WebhookHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

/**
 * Signs a body as Polar's server does: `v1,` + base64 HMAC-SHA256 of `${id}.${seconds}.${body}`,
 * keyed with the UTF-8 bytes of the whole secret (`whsec_` included), not with Standard Webhooks'
 * base64-decoded key. The emulator signs on its own rather than through `@polar-kit/core`, so the
 * client's verifier is tested against an independent producer.
 */
export function signPolarWebhook(secret: string, id: string, seconds: number, body: string): WebhookHeaders {
  const signature = createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(`${id}.${seconds}.${body}`)
    .digest("base64");
  return { "webhook-id": id, "webhook-timestamp": String(seconds), "webhook-signature": `v1,${signature}` };
}
