import { PolarError } from "../errors";

/**
 * Why a webhook was rejected. `invalid_secret` is a configuration mistake on the receiving side
 * (an empty secret, stray whitespace, or bad base64 in `keyMode: "standard"`): answer it with a
 * 500, not a 4xx, so that Polar keeps retrying until the secret is fixed.
 */
export type WebhookVerificationReason =
  | "missing_header"
  | "invalid_timestamp"
  | "timestamp_too_old"
  | "timestamp_too_new"
  | "no_matching_signature"
  | "invalid_body"
  | "body_too_large"
  | "invalid_secret";

/**
 * A webhook failed verification. `code` is always `"webhook_verification_failed"`; `reason` says
 * which check failed. Messages never contain the secret.
 *
 * @example
 * try { await verifyWebhook({ body, headers, secret }) }
 * catch (e) { if (e instanceof WebhookVerificationError) return new Response(e.reason, { status: 403 }) }
 */
export class WebhookVerificationError extends PolarError {
  override name = "WebhookVerificationError";
  constructor(
    readonly reason: WebhookVerificationReason,
    message: string,
  ) {
    super("webhook_verification_failed", message);
  }
}

export const fail = (reason: WebhookVerificationReason, message: string): never => {
  throw new WebhookVerificationError(reason, message);
};
