// What the example apps keep from Polar's webhooks: small records ("facts") with only the fields
// their pages show, keyed by Polar's ids so a redelivered event overwrites instead of duplicating.
// Each app stores them its own way (a JSON file, SQLite) behind the `FactSink` interface.
import type { BenefitGrantWebhook, Order, Subscription, WebhookConfig } from "@polar-kit/core";

/** A user of the demo sign-in: any email address, no password. */
export interface User {
  id: string;
  email: string;
  createdAt: string;
}

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

/** What `/account` shows for one user, newest first. */
export interface Account {
  orders: OrderFact[];
  subscriptions: SubscriptionFact[];
  licenseKeys: LicenseKeyFact[];
}

/** An `order.paid` payload as a fact. */
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

/** Any `subscription.*` payload as a fact: every one of them carries the whole subscription. */
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
export const hasAccess = (subscription: Pick<SubscriptionFact, "status">): boolean =>
  subscription.status === "active" || subscription.status === "trialing";

/**
 * The order if `user` placed it (their checkout named them as the customer), else undefined. A
 * checkout id in a URL proves nothing about who paid, so the success page shows an order only to
 * its owner and treats everyone else as it treats an id it does not know.
 *
 * @example
 * const order = orderOwnedBy(store.orderForCheckout(checkoutId), user); // undefined: "pending"
 */
export const orderOwnedBy = (
  order: OrderFact | undefined,
  user: Pick<User, "id"> | undefined,
): OrderFact | undefined => (order && user && order.externalCustomerId === user.id ? order : undefined);

/** Where the webhook callbacks put facts: the app's store. Writes may be synchronous or not. */
export interface FactSink {
  /** Upserts by order id. */
  recordOrder(order: OrderFact): void | Promise<void>;
  /** Upserts by subscription id, unless the stored state is newer (`isNotOlder`). */
  recordSubscription(subscription: SubscriptionFact): void | Promise<void>;
  /** Upserts by grant id, unless the stored state is newer (`isNotOlder`). */
  recordLicenseKey(licenseKey: LicenseKeyFact): void | Promise<void>;
}

/** The callbacks `webhookHandlers` fills in, typed for the adapter's context. */
export type FactHandlers<Context> = Required<
  Pick<
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
  >
>;

/**
 * The webhook callbacks that turn Polar's events into facts in `sink`: paid orders, every
 * subscription state (`canceled` and `revoked` are states like any other) and license key grants.
 * Pass a function to open the store only when a verified event arrives. A callback that throws
 * makes the adapter answer 500, so Polar delivers the event again.
 *
 * @example
 * export const POST = Webhooks(() => ({ ...polarConnection(), ...webhookHandlers(() => store()) }));
 */
export function webhookHandlers<Context>(sink: FactSink | (() => FactSink)): FactHandlers<Context> {
  const target = typeof sink === "function" ? sink : () => sink;
  const subscription = async (event: { type: string; data: Subscription }) => {
    await target().recordSubscription(subscriptionFact(event.data, String(event.type)));
  };
  const grant = async (event: { data: BenefitGrantWebhook }) => {
    const licenseKey = licenseKeyFact(event.data);
    if (licenseKey) await target().recordLicenseKey(licenseKey);
  };
  return {
    onOrderPaid: async (event) => {
      await target().recordOrder(orderFact(event.data));
    },
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
