// The success path of a checkout, in ONE transaction (the caller's): customer, order, subscription,
// benefit grants and license keys, the discount redemption, and every webhook in the API's order.
import { saveToken } from "../../auth";
import type { EmulatorState } from "../../context";
import { polarError, validationFailure } from "../../errors";
import { secret } from "../../ids";
import { assertSubscriptionUnique, confirmIssues } from "./checkout-rules";
import { currentPrice, currentProduct, saveCheckout } from "./checkout-state";
import { emitStateChanged } from "./customer-state";
import { createCustomer, findByEmail, findByExternalId } from "./customers";
import { redeem } from "./discounts";
import { grantBenefits } from "./grants";
import { emitNewOrder, insertOrder } from "./order-store";
import { type CardDetails, DEFAULT_CARD, saveCard } from "./payment-methods";
import { isFreePrice } from "./products";
import { type Checkout, type Customer, type Discount, KIND, metadata, type Product, type Subscription } from "./shared";
import { emitNewSubscription, insertSubscription, present } from "./subscription-lifecycle";

/** The emulator's test cards: this number succeeds, that one is declined. */
export const SUCCESS_CARD = "4242424242424242";
export const DECLINED_CARD = "4000000000000002";

/** How the customer pays: the emulator only needs to know whether the charge goes through. */
export interface Payment {
  declined: boolean;
  /** The card that paid; kept as the customer's payment method. */
  card?: CardDetails;
}

export interface Purchase {
  checkout: Checkout;
  customer: Customer;
  subscription: Subscription | null;
  customerSessionToken: string;
}

/** The declined card's error, as the API words a Stripe decline (400 `PaymentError`). */
export const declined = () =>
  polarError(
    400,
    "PaymentError",
    "The payment failed: Your card was declined. Please try again with a different payment method.",
  );

/**
 * The checkout's customer: the one it names, else the one with its external id, else the one with
 * its email; a new customer otherwise (with the external id and `customer_metadata`).
 */
function resolveCustomer(state: EmulatorState, c: Checkout): { customer: Customer; created: boolean } {
  const existing =
    (c.customer_id && state.store.find<Customer>(KIND.customer, c.customer_id)) ||
    (c.external_customer_id && findByExternalId(state, c.organization_id, c.external_customer_id)) ||
    findByEmail(state, c.organization_id, c.customer_email as string);
  if (existing && !existing.deleted_at) {
    const merged = { ...existing.metadata, ...c.customer_metadata };
    const changes = {
      ...(JSON.stringify(merged) !== JSON.stringify(existing.metadata) && { metadata: merged }),
      ...(!existing.billing_address && c.customer_billing_address && { billing_address: c.customer_billing_address }),
      ...(!existing.name && c.customer_name && { name: c.customer_name }),
      ...(!existing.external_id && c.external_customer_id && { external_id: c.external_customer_id }),
    };
    if (!Object.keys(changes).length) return { customer: existing, created: false };
    const updated = state.store.put(KIND.customer, { ...existing, ...changes, modified_at: state.clock.iso() });
    state.emit(updated.organization_id, "customer.updated", updated);
    return { customer: updated, created: false };
  }
  const customer = createCustomer(state, c.organization_id, {
    email: c.customer_email,
    name: c.customer_name,
    external_id: c.external_customer_id,
    billing_address: c.customer_billing_address,
    tax_id: c.customer_tax_id ? ([c.customer_tax_id, "eu_vat"] as Customer["tax_id"]) : null,
    locale: c.locale ?? null,
    metadata: metadata(c.customer_metadata),
  });
  return { customer, created: true };
}

/** A customer session token (`polar_cst_`, 1 hour) for the customer portal, as confirmations return. */
export function issueCustomerSession(state: EmulatorState, customer: Customer): string {
  const token = secret("polar_cst_");
  saveToken(state.db, {
    token,
    subject: "Customer",
    subject_id: customer.id,
    organization_id: customer.organization_id,
    scopes: "customer_portal:read customer_portal:write",
    expires_at: new Date(state.clock.now().getTime() + 60 * 60 * 1000).toISOString(),
  });
  return token;
}

/** A free subscription upgraded by the checkout keeps its id and gets the new product and amount. */
function upgrade(state: EmulatorState, c: Checkout, product: Product, subscription: Subscription): Subscription {
  const upgraded = state.store.put(KIND.subscription, {
    ...subscription,
    product,
    product_id: product.id,
    prices: product.prices.filter((p) => !p.is_archived),
    amount: c.amount,
    currency: c.currency,
    discount_id: c.discount_id,
    recurring_interval: product.recurring_interval as Subscription["recurring_interval"],
    recurring_interval_count: product.recurring_interval_count ?? 1,
    modified_at: state.clock.iso(),
  });
  state.emit(product.organization_id, "subscription.updated", present(state, upgraded));
  return upgraded;
}

/**
 * Pays an open checkout. Validation failures (422), a subscription the customer already has (403)
 * and a declined card (400) change nothing. Success emits, in order: `checkout.updated` (confirmed),
 * `customer.created` when new, `order.created`/`updated`/`paid`, `subscription.created`/`active`,
 * `benefit_grant.created`, `customer.state_changed`, `checkout.updated` (succeeded).
 */
export function completeCheckout(state: EmulatorState, input: Checkout, payment: Payment): Purchase {
  const issues = confirmIssues(state, input);
  if (issues.length) throw validationFailure(issues);
  assertSubscriptionUnique(state, input);
  if (payment.declined && input.is_payment_form_required) throw declined();

  const confirmed = saveCheckout(state, { ...input, status: "confirmed" });
  const { customer } = resolveCustomer(state, confirmed);
  const product = currentProduct(confirmed) as Product;
  const price = currentPrice(confirmed);
  const discount = confirmed.discount_id ? redeem(state, confirmed.discount_id, customer.id) : null;
  const trial = confirmed.trial_end
    ? { interval: confirmed.active_trial_interval as "day", count: confirmed.active_trial_interval_count ?? 1 }
    : null;

  let subscription: Subscription | null = null;
  let isNewSubscription = false;
  if (product.is_recurring) {
    const upgraded = confirmed.subscription_id
      ? state.store.find<Subscription>(KIND.subscription, confirmed.subscription_id)
      : undefined;
    subscription = upgraded
      ? upgrade(state, confirmed, product, upgraded)
      : insertSubscription(state, {
          customer,
          product,
          price,
          amount: confirmed.amount,
          currency: confirmed.currency,
          discount: discount as Discount | null,
          seats: confirmed.seats ?? null,
          checkoutId: confirmed.id,
          metadata: confirmed.metadata,
          customFieldData: confirmed.custom_field_data ?? {},
          trial,
        });
    isNewSubscription = !upgraded;
  }

  // A trial is not charged now: its order is for 0.
  const charged = trial ? 0 : confirmed.amount;
  const order = insertOrder(state, {
    organizationId: confirmed.organization_id,
    customer,
    product,
    status: "paid",
    billingReason: !product.is_recurring
      ? "purchase"
      : isNewSubscription
        ? "subscription_create"
        : "subscription_update",
    subtotal: charged,
    discount: trial ? null : (discount as Discount | null),
    discountAmount: trial ? 0 : confirmed.discount_amount,
    currency: confirmed.currency,
    label: isFreePrice(price) ? `${product.name} (free)` : product.name,
    priceId: price?.id ?? null,
    seats: confirmed.seats ?? null,
    subscription,
    checkoutId: confirmed.id,
    billingName: confirmed.customer_billing_name ?? confirmed.customer_name,
    billingAddress: confirmed.customer_billing_address,
    metadata: confirmed.metadata,
    customFieldData: confirmed.custom_field_data ?? {},
  });
  emitNewOrder(state, confirmed.organization_id, order);
  if (subscription && isNewSubscription) emitNewSubscription(state, subscription);
  grantBenefits(state, customer, product, subscription ? { subscriptionId: subscription.id } : { orderId: order.id });
  emitStateChanged(state, customer.id);
  if (confirmed.is_payment_form_required) {
    saveCard(state, confirmed.organization_id, customer.id, payment.card ?? DEFAULT_CARD);
  }

  const succeeded = saveCheckout(state, {
    ...confirmed,
    status: "succeeded",
    customer_id: customer.id,
    customer_email: confirmed.customer_email ?? customer.email ?? null,
    external_customer_id: confirmed.external_customer_id ?? customer.external_id ?? null,
  });
  return { checkout: succeeded, customer, subscription, customerSessionToken: issueCustomerSession(state, customer) };
}

/**
 * Whether a confirmation's `confirmation_token_id` pays: the emulator has no Stripe, so a missing
 * token pays with the success card and a token naming a decline (or the declined card) fails.
 */
export function paymentFromToken(token: string | null | undefined): Payment {
  const value = (token ?? "").replace(/\s+/g, "").toLowerCase();
  return { declined: value.includes("decline") || value.includes(DECLINED_CARD) };
}
