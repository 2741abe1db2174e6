// Polar's webhooks: the adapter verifies the signature (403 otherwise, before any callback runs)
// and calls the callback of the event's type. A callback that throws answers 500, so Polar
// delivers the event again; the writes are upserts, so a redelivery changes nothing.
import type { BenefitGrantWebhook, Subscription } from "@polar-kit/core";
import { Webhooks } from "@polar-kit/nextjs";
import { polarConnection } from "@/lib/config";
import { store } from "@/lib/store";

const subscription = (event: { type: string; data: Subscription }) =>
  store().saveSubscription(event.data, String(event.type));
const licenseKey = (event: { data: BenefitGrantWebhook }) => store().saveLicenseKey(event.data);

export const POST = Webhooks(() => ({
  ...polarConnection(),
  onOrderPaid: (event) => store().saveOrder(event.data),
  onSubscriptionCreated: subscription,
  onSubscriptionActive: subscription,
  onSubscriptionUpdated: subscription,
  // Canceled: access lasts until the period ends; revoked: access ended.
  onSubscriptionCanceled: subscription,
  onSubscriptionUncanceled: subscription,
  onSubscriptionRevoked: subscription,
  onBenefitGrantCreated: licenseKey,
  onBenefitGrantUpdated: licenseKey,
  onBenefitGrantRevoked: licenseKey,
}));
