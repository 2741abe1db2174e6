// What every framework adapter re-exports next to its own `Checkout`, `CustomerPortal` and
// `Webhooks`: the config types and the error classes, so apps import from one place.

export { PolarApiError, PolarConnectionError, PolarError, type PolarErrorCode } from "./errors";
export type {
  BenefitGrantWebhook,
  BenefitType,
  CheckoutConfig,
  CheckoutCustomer,
  ConfigInput,
  CustomerPortalConfig,
  DeduplicatorTimes,
  EntitlementHooks,
  EntitlementRules,
  PolarConnection,
  PolarEnv,
  WebhookClaim,
  WebhookConfig,
  WebhookDeduplicator,
  WebhookHandlers,
} from "./handlers";
export { entitlements, memoryDeduplicator, PolarConfigError, polarEnv } from "./handlers";
export {
  signWebhook,
  type UnknownWebhookEvent,
  type WebhookEvent,
  type WebhookEventOf,
  type WebhookEventType,
  WebhookVerificationError,
  type WebhookVerificationReason,
} from "./webhooks";
