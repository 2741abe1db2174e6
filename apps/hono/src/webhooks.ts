// Polar's webhooks, verified by `@polar-kit/hono`'s `webhooks` middleware, become facts in the
// store. A callback that throws answers 500, so Polar delivers the event again.
import type { BenefitGrantWebhook, Subscription } from "@polar-kit/core";
import type { WebhookConfig } from "@polar-kit/hono";
import { licenseKeyFact, orderFact, subscriptionFact } from "./facts.js";
import type { AppStore } from "./store.js";

type Handlers<Context> = Pick<
  WebhookConfig<Context>,
  | "onOrderPaid"
  | "onSubscriptionCreated"
  | "onSubscriptionActive"
  | "onSubscriptionUpdated"
  | "onSubscriptionCanceled"
  | "onSubscriptionUncanceled"
  | "onSubscriptionRevoked"
  | "onBenefitGrantCreated"
  | "onBenefitGrantUpdated"
  | "onBenefitGrantRevoked"
>;

export function webhookHandlers<Context>(store: AppStore): Handlers<Context> {
  // Every subscription event carries the whole subscription: keep its latest state.
  const subscription = (event: { type: string; data: Subscription }) =>
    store.recordSubscription(subscriptionFact(event.data, String(event.type)));
  const grant = async (event: { data: BenefitGrantWebhook }) => {
    const licenseKey = licenseKeyFact(event.data);
    if (licenseKey) await store.recordLicenseKey(licenseKey);
  };
  return {
    onOrderPaid: (event) => store.recordOrder(orderFact(event.data)),
    onSubscriptionCreated: subscription,
    onSubscriptionActive: subscription,
    onSubscriptionUpdated: subscription,
    onSubscriptionCanceled: subscription,
    onSubscriptionUncanceled: subscription,
    onSubscriptionRevoked: subscription,
    onBenefitGrantCreated: grant,
    onBenefitGrantUpdated: grant,
    onBenefitGrantRevoked: grant,
  };
}
