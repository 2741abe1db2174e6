// Polar's webhooks, verified by `@polar-kit/sveltekit`'s `Webhooks` handler, become rows in the
// store. A callback that throws answers 500, so Polar delivers the event again.
import type { BenefitGrantWebhook, Order, Subscription } from "@polar-kit/core";
import type { WebhookConfig } from "@polar-kit/sveltekit";
import type { RequestEvent } from "@sveltejs/kit";
import { dataDir } from "./config";
import { type LicenseKeyRow, type OrderRow, openStore, type SubscriptionRow } from "./db";

const orderRow = (order: Order): OrderRow => ({
  id: order.id,
  checkoutId: order.checkout_id,
  // The app's user id: the checkout named it as `customerExternalId`.
  externalCustomerId: order.customer.external_id ?? null,
  productName: order.product?.name ?? order.description,
  totalAmount: order.total_amount,
  currency: order.currency,
  createdAt: order.created_at,
});

const subscriptionRow = (s: Subscription): SubscriptionRow => ({
  id: s.id,
  externalCustomerId: s.customer.external_id ?? null,
  productName: s.product.name,
  amount: s.amount,
  currency: s.currency,
  recurringInterval: s.recurring_interval,
  recurringIntervalCount: s.recurring_interval_count ?? 1,
  status: s.status,
  cancelAtPeriodEnd: s.cancel_at_period_end,
  currentPeriodEnd: s.current_period_end ?? null,
  endsAt: s.ends_at ?? null,
  endedAt: s.ended_at ?? null,
  modifiedAt: s.modified_at ?? s.created_at,
});

/** A license key grant as a row, or `undefined` for grants of other benefit types. */
function licenseKeyRow(grant: BenefitGrantWebhook): LicenseKeyRow | undefined {
  if (grant.benefit.type !== "license_keys") return undefined;
  const displayKey = (grant.properties as { display_key?: string }).display_key;
  if (!displayKey) return undefined;
  return {
    grantId: grant.id,
    externalCustomerId: grant.customer.external_id ?? null,
    benefit: grant.benefit.description,
    displayKey,
    granted: grant.is_granted && !grant.is_revoked,
    modifiedAt: grant.modified_at ?? grant.created_at,
  };
}

type Handlers = Pick<
  WebhookConfig<RequestEvent>,
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

// The store is opened inside the callbacks, which run only after the signature checked out.
const store = () => openStore(dataDir());

// Every subscription event carries the whole subscription: keep its latest state. `canceled`
// (cancel_at_period_end) and `revoked` (status "canceled", access ended) are states like any other.
const subscription = (event: { data: Subscription }) => store().recordSubscription(subscriptionRow(event.data));

const grant = (event: { data: BenefitGrantWebhook }) => {
  const row = licenseKeyRow(event.data);
  if (row) store().recordLicenseKey(row);
};

export const webhookHandlers: Handlers = {
  onOrderPaid: (event) => store().recordOrder(orderRow(event.data)),
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
