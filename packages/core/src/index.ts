export type { Page, PagePromise } from "./_internal/paginate";
export { type ApiRequest, type Client, type ClientOptions, createClient, type RequestOptions, SERVERS } from "./client";
export {
  type ApiErrorInit,
  PolarApiError,
  PolarConnectionError,
  PolarError,
  type PolarErrorCode,
  type ValidationIssue,
} from "./errors";
export { API_VERSION } from "./generated/meta";
export * from "./handlers";
export { createPolar, type Polar } from "./polar";
export type * from "./types";
export { VERSION } from "./version";
export {
  type Hmac,
  isKnownWebhookEvent,
  type SignWebhookOptions,
  signWebhook,
  type UnknownWebhookEvent,
  type UnknownWebhookEventType,
  type VerifyWebhookOptions,
  verifyWebhook,
  verifyWebhookSignature,
  WEBHOOK_EVENT_TYPES,
  type WebhookBody,
  type WebhookEvent,
  type WebhookEventOf,
  type WebhookEventType,
  type WebhookHeaders,
  type WebhookKeyMode,
  type WebhookSignatureHeaders,
  WebhookVerificationError,
  type WebhookVerificationReason,
  webhookHmac,
} from "./webhooks";
