// The framework-agnostic handlers every adapter wraps: `Request -> Promise<Response>`.

export {
  type ConfigInput,
  PolarConfigError,
  type PolarConnection,
  type PolarEnv,
  polarEnv,
  resolveConfig,
} from "./config";
export type { HandlerOptions } from "./handlers/api-handler";
export { type CheckoutConfig, type CheckoutCustomer, handleCheckout } from "./handlers/checkout";
export {
  type DeduplicatorTimes,
  memoryDeduplicator,
  type WebhookClaim,
  type WebhookDeduplicator,
} from "./handlers/dedupe";
export {
  type BenefitGrantWebhook,
  type BenefitType,
  type EntitlementHooks,
  type EntitlementRules,
  entitlements,
} from "./handlers/entitlements";
export { type CustomerPortalConfig, handleCustomerPortal } from "./handlers/portal";
export {
  handleWebhook,
  type WebhookConfig,
  type WebhookHandlerName,
  type WebhookHandlerOptions,
  type WebhookHandlers,
  webhookHandlerName,
} from "./handlers/webhook";
