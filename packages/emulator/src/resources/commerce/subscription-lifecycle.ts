// A subscription's life: creation, renewals, trial ends, cancellation, pause and resume, revocation,
// and the webhooks each change sends (`subscription.updated` plus the one its status diff implies).
import type { EmulatorState } from "../../context";
import { build } from "../../defaults";
import { notFound, polarError } from "../../errors";
import { uuid } from "../../ids";
import { emitStateChanged, isActive, withCustomer } from "./customer-state";
import { discountAmount, discountApplies, embeddedDiscount } from "./discounts";
import { cycleGrants, revokeGrants } from "./grants";
import { usageLines } from "./metered-billing";
import { emitNewOrder, insertOrder, type OrderLine } from "./order-store";
import { findProduct, priceAmount, primaryPrice } from "./products";
import {
  addInterval,
  type Customer,
  type Discount,
  KIND,
  metadata,
  ms,
  type Price,
  type Product,
  type Subscription,
} from "./shared";

type Status = Subscription["status"];
export type Interval = NonNullable<Product["recurring_interval"]>;

// The migration's `due_at` names these statuses too: a subscription in them is swept at its period end.
const BILLABLE: Status[] = ["active", "trialing", "past_due"];
export const REVOKED: Status[] = ["canceled", "unpaid"];
export const isBillable = (s: Subscription) => BILLABLE.includes(s.status);
const isCanceled = (s: Subscription) => s.canceled_at !== null;

/** The subscription as the API returns it: its customer and product as they are now. */
export function present(state: EmulatorState, subscription: Subscription): Subscription {
  const product = state.store.find<Product>(KIND.product, subscription.product_id);
  return withCustomer(state, { ...subscription, product: product ?? subscription.product });
}

/** The organization a subscription belongs to (its product's). */
export const organizationOfSubscription = (subscription: Subscription) => subscription.product.organization_id;

export function getSubscription(state: EmulatorState, organizationId: string, id: string): Subscription {
  const subscription = state.store.find<Subscription>(KIND.subscription, id);
  if (!subscription || organizationOfSubscription(subscription) !== organizationId) throw notFound();
  return subscription;
}

const emit = (state: EmulatorState, type: string, subscription: Subscription) =>
  state.emit(organizationOfSubscription(subscription), `subscription.${type}`, present(state, subscription));

export interface NewSubscription {
  customer: Customer;
  product: Product;
  price: Price | undefined;
  amount: number;
  currency: string;
  discount: Discount | null;
  seats: number | null;
  checkoutId: string | null;
  metadata: Record<string, unknown>;
  customFieldData: Record<string, unknown>;
  trial: { interval: Interval; count: number } | null;
}

/** Stores a new active (or trialing) subscription; the caller queues its webhooks. */
export function insertSubscription(state: EmulatorState, input: NewSubscription): Subscription {
  const now = state.clock.iso();
  const interval = input.product.recurring_interval as Interval;
  const count = input.product.recurring_interval_count ?? 1;
  const trialEnd = input.trial ? addInterval(now, input.trial.interval, input.trial.count) : null;
  const doc = build("Subscription", now, {
    created_at: now,
    modified_at: null,
    id: uuid(),
    amount: input.amount,
    currency: input.currency,
    recurring_interval: interval,
    recurring_interval_count: count,
    status: trialEnd ? "trialing" : "active",
    current_period_start: now,
    current_period_end: trialEnd ?? addInterval(now, interval, count),
    current_meter_period_start: null,
    current_meter_period_end: null,
    trial_start: trialEnd ? now : null,
    trial_end: trialEnd,
    cancel_at_period_end: false,
    canceled_at: null,
    started_at: now,
    ends_at: null,
    ended_at: null,
    past_due_at: null,
    pause_at_period_end: false,
    paused_at: null,
    resumes_at: null,
    customer_id: input.customer.id,
    product_id: input.product.id,
    discount_id: input.discount?.id ?? null,
    checkout_id: input.checkoutId,
    seats: input.seats,
    customer_cancellation_reason: null,
    customer_cancellation_comment: null,
    metadata: metadata(input.metadata),
    custom_field_data: input.customFieldData,
    customer: input.customer,
    product: input.product,
    discount: embeddedDiscount(input.discount),
    prices: input.product.prices.filter((p) => !p.is_archived),
    meters: [],
    pending_update: null,
  }) as unknown as Subscription;
  return state.store.insert(KIND.subscription, doc, { organizationId: input.product.organization_id });
}

/** Queues the webhooks of a new subscription: created, then active (trialing counts as active). */
export function emitNewSubscription(state: EmulatorState, subscription: Subscription): void {
  emit(state, "created", subscription);
  if (isActive(subscription)) emit(state, "active", subscription);
}

/**
 * Saves a change and queues `subscription.updated` plus the events its status diff implies
 * (active, uncanceled, canceled, revoked, paused, resumed), then `customer.state_changed`.
 */
export function save(state: EmulatorState, before: Subscription, after: Subscription, quiet = false): Subscription {
  const saved = state.store.put(KIND.subscription, { ...after, modified_at: state.clock.iso() });
  if (quiet) return saved;
  emit(state, "updated", saved);
  if (isActive(saved) && !isActive(before) && before.status !== "paused") emit(state, "active", saved);
  if (!isCanceled(saved) && isCanceled(before)) emit(state, "uncanceled", saved);
  if (isCanceled(saved) && !isCanceled(before)) emit(state, "canceled", saved);
  if (REVOKED.includes(saved.status) && !REVOKED.includes(before.status)) emit(state, "revoked", saved);
  if (saved.status === "paused" && before.status !== "paused") emit(state, "paused", saved);
  if (before.status === "paused" && saved.status !== "paused") emit(state, "resumed", saved);
  emitStateChanged(state, saved.customer_id);
  return saved;
}

/** The amount the next cycle charges: base price, less the discount while it still applies. */
function cycleCharge(state: EmulatorState, subscription: Subscription, periodStart: string, afterTrial: boolean) {
  const discount = subscription.discount_id
    ? (state.store.find<Discount>(KIND.discount, subscription.discount_id) ?? null)
    : null;
  // A `once` discount skipped by a trial applies to the first paid cycle instead.
  const applies =
    discount &&
    (discountApplies(discount, subscription.started_at ?? periodStart, periodStart) ||
      (afterTrial && discount.duration === "once"));
  return {
    discount: applies ? discount : null,
    discountAmount: applies ? discountAmount(discount, subscription.amount, subscription.currency) : 0,
  };
}

/** Creates and queues a paid order for a subscription (renewal, resume or immediate change). */
export function chargeOrder(
  state: EmulatorState,
  subscription: Subscription,
  billingReason: "subscription_cycle" | "subscription_update",
  subtotal: number,
  charge: { discount: Discount | null; discountAmount: number },
  label: string,
  lines: OrderLine[] = [],
) {
  const current = present(state, subscription);
  const order = insertOrder(state, {
    lines,
    organizationId: organizationOfSubscription(subscription),
    customer: current.customer as Customer,
    product: current.product as Product,
    status: "paid",
    billingReason,
    subtotal,
    discount: charge.discount,
    discountAmount: charge.discountAmount,
    currency: subscription.currency,
    label,
    priceId: primaryPrice(current.product.prices as Price[])?.id ?? null,
    seats: subscription.seats ?? null,
    subscription,
    metadata: subscription.metadata,
    customFieldData: subscription.custom_field_data ?? {},
  });
  emitNewOrder(state, organizationOfSubscription(subscription), order);
  return order;
}

/**
 * A renewal at `current_period_end`: the period rolls over (a pending product change applies),
 * then `subscription.cycled`, `subscription.updated`, the renewal order and `benefit_grant.cycled`.
 */
function cycle(state: EmulatorState, before: Subscription): Subscription {
  const start = before.current_period_end;
  // The usage of the period that ends, before the grants' cycle resets the meters.
  const usage = usageLines(state, organizationOfSubscription(before), before);
  const pending = before.pending_update?.product_id
    ? findProduct(state, organizationOfSubscription(before), before.pending_update.product_id)
    : undefined;
  const product = pending ?? before.product;
  const interval = product.recurring_interval as Interval;
  const count = product.recurring_interval_count ?? 1;
  const price = primaryPrice(product.prices);
  const afterTrial = before.status === "trialing";
  const next: Subscription = {
    ...before,
    status: "active",
    current_period_start: start,
    current_period_end: addInterval(start, interval, count),
    pending_update: null,
    ...(pending && {
      product: pending,
      product_id: pending.id,
      prices: pending.prices.filter((p) => !p.is_archived),
      amount: priceAmount(price, { seats: before.seats }),
      recurring_interval: interval,
      recurring_interval_count: count,
    }),
  };
  const saved = state.store.put(KIND.subscription, { ...next, modified_at: state.clock.iso() });
  emit(state, "cycled", saved);
  emit(state, "updated", saved);
  chargeOrder(
    state,
    saved,
    "subscription_cycle",
    saved.amount,
    cycleCharge(state, saved, start, afterTrial),
    product.name,
    usage,
  );
  cycleGrants(state, saved.customer_id, saved.id);
  emitStateChanged(state, saved.customer_id);
  return saved;
}

/** The end of a subscription that was canceled at period end: it is revoked, its benefits too. */
function end(state: EmulatorState, before: Subscription): Subscription {
  const saved = save(state, before, {
    ...before,
    status: "canceled",
    ended_at: before.ends_at ?? before.current_period_end,
    ends_at: before.ends_at ?? before.current_period_end,
  });
  revokeGrants(state, saved.customer_id, { subscriptionId: saved.id });
  emitStateChanged(state, saved.customer_id);
  return saved;
}

/** Ends a subscription now (`DELETE`, `revoke: true`, customer deletion): `canceled` + `revoked`. */
export function revokeSubscription(
  state: EmulatorState,
  before: Subscription,
  reason: { customer_cancellation_reason?: string | null; customer_cancellation_comment?: string | null },
): Subscription {
  if ((!isBillable(before) && before.status !== "paused") || before.ended_at) {
    throw polarError(403, "AlreadyCanceledSubscription", "This subscription is already canceled or will be soon.");
  }
  const now = state.clock.iso();
  const saved = save(state, before, {
    ...before,
    status: "canceled",
    canceled_at: before.canceled_at ?? now,
    ends_at: now,
    ended_at: now,
    cancel_at_period_end: false,
    customer_cancellation_reason: (reason.customer_cancellation_reason ??
      before.customer_cancellation_reason) as Subscription["customer_cancellation_reason"],
    customer_cancellation_comment: reason.customer_cancellation_comment ?? before.customer_cancellation_comment,
  });
  revokeGrants(state, saved.customer_id, { subscriptionId: saved.id });
  emitStateChanged(state, saved.customer_id);
  return saved;
}

function pause(state: EmulatorState, before: Subscription): Subscription {
  return save(state, before, {
    ...before,
    status: "paused",
    paused_at: before.current_period_end,
    pause_at_period_end: false,
  });
}

/** A paused subscription starts a fresh period at `at` and is charged for it. */
export function resume(state: EmulatorState, before: Subscription, at: string): Subscription {
  const saved = save(state, before, {
    ...before,
    status: "active",
    paused_at: null,
    resumes_at: null,
    current_period_start: at,
    current_period_end: addInterval(at, before.recurring_interval, before.recurring_interval_count),
  });
  chargeOrder(
    state,
    saved,
    "subscription_cycle",
    saved.amount,
    cycleCharge(state, saved, at, false),
    saved.product.name,
  );
  return saved;
}

/** Applies every transition that is due for one subscription (several renewals after a long jump). */
export function advance(state: EmulatorState, subscription: Subscription, now: number): void {
  let current = subscription;
  for (let guard = 0; guard < 1000; guard++) {
    if (current.status === "paused") {
      if (ms(current.resumes_at) > now) return;
      current = resume(state, current, current.resumes_at as string);
      continue;
    }
    if (!isBillable(current) || ms(current.current_period_end) > now) return;
    if (current.cancel_at_period_end || ms(current.ends_at) <= now) {
      end(state, current);
      return;
    }
    current = current.pause_at_period_end ? pause(state, current) : cycle(state, current);
  }
}

/** The time-driven part of subscriptions: renewals, trial ends, cancellations and pauses that are due. */
export function sweepSubscriptions(state: EmulatorState): void {
  const now = state.clock.now();
  for (const subscription of state.store.due<Subscription>(KIND.subscription, now)) {
    advance(state, subscription, now.getTime());
  }
}
