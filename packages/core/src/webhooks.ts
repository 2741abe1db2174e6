// `@polar-kit/core/webhooks`: Standard Webhooks verification and signing with WebCrypto, for every
// runtime. Node.js resolves `./webhooks/node.ts` instead (same API, node:crypto HMAC).

import type { UnknownWebhookEvent, WebhookEvent } from "./webhooks/events";
import { webCryptoHmac } from "./webhooks/hmac";
import type { Hmac } from "./webhooks/keys";
import { type SignWebhookOptions, sign, type WebhookSignatureHeaders } from "./webhooks/sign";
import { type VerifyWebhookOptions, verify, verifyInput } from "./webhooks/verify";

export * from "./webhooks/public";

/**
 * Verifies a Polar webhook (Standard Webhooks, HMAC-SHA256 over the exact body) and returns the
 * parsed event, typed by its `type`. Throws `WebhookVerificationError` with a `reason`. An event type
 * this version does not document is returned as an `UnknownWebhookEvent`, never thrown.
 *
 * @example
 * const event = await verifyWebhook({ body: await request.text(), headers: request.headers, secret });
 * if (event.type === "order.paid") await fulfil(event.data.id, event.data.total_amount);
 */
export async function verifyWebhook(options: VerifyWebhookOptions): Promise<WebhookEvent | UnknownWebhookEvent> {
  return verify(webCryptoHmac, verifyInput(options), true);
}

/**
 * Only the signature checks of `verifyWebhook`: resolves when the headers, clock and signature are
 * valid, without parsing the body (for bodies that are not JSON events).
 *
 * @example
 * await verifyWebhookSignature({ body, headers: req.headers, secret });
 */
export async function verifyWebhookSignature(options: VerifyWebhookOptions): Promise<void> {
  return verify(webCryptoHmac, verifyInput(options));
}

/**
 * Signs a body as Polar does, returning the three `webhook-*` headers: for tests and local delivery.
 *
 * @example
 * const headers = await signWebhook({ body, secret: "whsec_test" });
 * await app.request("/webhooks/polar", { method: "POST", body, headers });
 */
export function signWebhook(options: SignWebhookOptions): Promise<WebhookSignatureHeaders> {
  return sign(webCryptoHmac, options);
}

/**
 * This build's HMAC-SHA256 (WebCrypto here; node:crypto in the Node.js build), for `handleWebhook`'s
 * `hmac` option: the framework adapters pass it, so a webhook route on Node.js uses node:crypto.
 */
export const webhookHmac: Hmac<unknown> = webCryptoHmac;
