// What both builds of `@polar-kit/core/webhooks` (WebCrypto and node:crypto) export besides the
// three functions bound to their HMAC: errors, event types and option types.
export type { WebhookBody } from "./body";
export { WebhookVerificationError, type WebhookVerificationReason } from "./errors";
export {
  isKnownWebhookEvent,
  type UnknownWebhookEvent,
  type UnknownWebhookEventType,
  WEBHOOK_EVENT_TYPES,
  type WebhookEvent,
  type WebhookEventOf,
  type WebhookEventType,
} from "./events";
export type { WebhookHeaders } from "./headers";
export type { Hmac, WebhookKeyMode } from "./keys";
export type { SignWebhookOptions, WebhookSignatureHeaders } from "./sign";
export type { VerifyWebhookOptions } from "./verify";
