// What the app keeps from Polar's webhooks: small records with only the fields its pages show,
// keyed by Polar's ids so a redelivered event overwrites instead of duplicating.
import type { BenefitGrantWebhook, Order, Subscription } from "@polar-kit/core";

export interface OrderFact {
  id: string;
  checkoutId: string | null;
  customerId: string;
  /** The app's user id, when the checkout named one (`customerExternalId`). */
  externalCustomerId: string | null;
  productName: string;
  totalAmount: number;
  currency: string;
  billingReason: string;
  subscriptionId: string | null;
  createdAt: string;
}

export interface SubscriptionFact {
  id: string;
  customerId: string;
  externalCustomerId: string | null;
  productName: string;
  amount: number;
  currency: string;
  recurringInterval: string;
  recurringIntervalCount: number;
  status: string;
  cancelAtPeriodEnd: boolean;
  currentPeriodEnd: string | null;
  endsAt: string | null;
  endedAt: string | null;
  /** The webhook event that last changed it, e.g. `subscription.revoked`. */
  lastEvent: string;
  modifiedAt: string;
}

export interface LicenseKeyFact {
  grantId: string;
  customerId: string;
  externalCustomerId: string | null;
  benefit: string;
  /** The masked key webhooks carry (`****-A1B2C3`); the full key is in the customer portal. */
  displayKey: string;
  granted: boolean;
  modifiedAt: string;
}

export function orderFact(order: Order): OrderFact {
  return {
    id: order.id,
    checkoutId: order.checkout_id,
    customerId: order.customer_id,
    externalCustomerId: order.customer.external_id ?? null,
    productName: order.product?.name ?? order.description,
    totalAmount: order.total_amount,
    currency: order.currency,
    billingReason: order.billing_reason,
    subscriptionId: order.subscription_id,
    createdAt: order.created_at,
  };
}

export function subscriptionFact(subscription: Subscription, event: string): SubscriptionFact {
  return {
    id: subscription.id,
    customerId: subscription.customer_id,
    externalCustomerId: subscription.customer.external_id ?? null,
    productName: subscription.product.name,
    amount: subscription.amount,
    currency: subscription.currency,
    recurringInterval: subscription.recurring_interval,
    recurringIntervalCount: subscription.recurring_interval_count ?? 1,
    status: subscription.status,
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    currentPeriodEnd: subscription.current_period_end ?? null,
    endsAt: subscription.ends_at ?? null,
    endedAt: subscription.ended_at ?? null,
    lastEvent: event,
    modifiedAt: subscription.modified_at ?? subscription.created_at,
  };
}

/** A license key grant as a fact, or `undefined` for grants of other benefit types. */
export function licenseKeyFact(grant: BenefitGrantWebhook): LicenseKeyFact | undefined {
  if (grant.benefit.type !== "license_keys") return undefined;
  const displayKey = (grant.properties as { display_key?: string }).display_key;
  if (!displayKey) return undefined;
  return {
    grantId: grant.id,
    customerId: grant.customer_id,
    externalCustomerId: grant.customer.external_id ?? null,
    benefit: grant.benefit.description,
    displayKey,
    granted: grant.is_granted && !grant.is_revoked,
    modifiedAt: grant.modified_at ?? grant.created_at,
  };
}

/**
 * Whether `incoming` may replace `stored`: a retried, older delivery arriving after a newer one
 * must not undo it. Ties go to the incoming event (events of one change share a timestamp and
 * arrive in order).
 */
export function isNotOlder(incoming: { modifiedAt: string }, stored: { modifiedAt: string } | undefined): boolean {
  return !stored || Date.parse(incoming.modifiedAt) >= Date.parse(stored.modifiedAt);
}

/** Whether a subscription in this state still gives access. */
export const hasAccess = (subscription: SubscriptionFact): boolean =>
  subscription.status === "active" || subscription.status === "trialing";
