// `PATCH /v1/subscriptions/{id}`: the `SubscriptionUpdate` union, told apart by its fields.
import type { Schema } from "@polar-kit/core";
import type { EmulatorState } from "../../context";
import { invalid, polarError } from "../../errors";
import { uuid } from "../../ids";
import { seatsOf } from "../members/seats";
import { isActive } from "./customer-state";
import { embeddedDiscount } from "./discounts";
import { findProduct, priceAmount, primaryPrice, seatBounds } from "./products";
import { type Discount, iso, KIND, metadata, ms, type Organization, type Subscription } from "./shared";
import {
  chargeOrder,
  type Interval,
  isBillable,
  organizationOfSubscription,
  REVOKED,
  resume,
  revokeSubscription,
  save,
} from "./subscription-lifecycle";

type Update = Schema<"SubscriptionUpdate">;

const inactive = () => polarError(403, "InactiveSubscription", "This subscription is not active.");

function updateBase(
  state: EmulatorState,
  organizationId: string,
  before: Subscription,
  body: Schema<"SubscriptionUpdateBase">,
) {
  let next: Subscription = { ...before };
  if (body.metadata !== undefined) next.metadata = metadata(body.metadata);
  if (body.discount_id !== undefined) {
    const discount = body.discount_id
      ? state.store
          .all<Discount>(KIND.discount, { organizationId })
          .find(
            (d) =>
              d.id === body.discount_id && (!d.products.length || d.products.some((p) => p.id === next.product_id)),
          )
      : null;
    if (body.discount_id && !discount) {
      throw invalid(["body", "discount_id"], "Discount does not exist.", "value_error", body.discount_id);
    }
    // The new discount applies from the next cycle on.
    next = { ...next, discount_id: discount?.id ?? null, discount: embeddedDiscount(discount) };
  }
  if (body.trial_end != null) next = changeTrial(state, next, body.trial_end);
  if (body.product_id != null && body.product_id !== before.product_id) {
    next = changeProduct(state, organizationId, next, body.product_id, body.proration_behavior ?? null);
  }
  return save(state, before, next);
}

function changeTrial(state: EmulatorState, subscription: Subscription, trialEnd: string): Subscription {
  if (!isActive(subscription)) throw inactive();
  const now = state.clock.now();
  const end = trialEnd === "now" ? now : new Date(trialEnd);
  if (trialEnd !== "now" && end.getTime() <= now.getTime()) {
    throw invalid(["body", "trial_end"], "Trial end must be in the future.", "value_error", trialEnd);
  }
  // Ending the trial now makes the period end now: the next sweep bills the first paid cycle.
  return {
    ...subscription,
    status: trialEnd === "now" ? subscription.status : "trialing",
    trial_start: subscription.trial_start ?? iso(now),
    trial_end: iso(end),
    current_period_end: iso(end),
  };
}

function changeProduct(
  state: EmulatorState,
  organizationId: string,
  subscription: Subscription,
  productId: string,
  behavior: Schema<"SubscriptionProrationBehavior"> | null,
): Subscription {
  if (!isActive(subscription)) throw inactive();
  const product = findProduct(state, organizationId, productId);
  if (!product || product.is_archived) {
    throw invalid(["body", "product_id"], "Product does not exist.", "value_error", productId);
  }
  if (!product.is_recurring) {
    throw invalid(["body", "product_id"], "Product is not a recurring product.", "value_error", productId);
  }
  const organization = state.store.find<Organization>(KIND.organization, organizationId);
  const proration = behavior ?? organization?.subscription_settings?.proration_behavior ?? "prorate";
  if (proration === "reset") {
    throw invalid(
      ["body", "proration_behavior"],
      "The reset proration behavior is not enabled for this organization.",
      "value_error",
      proration,
    );
  }
  if (proration === "next_period") {
    const now = state.clock.iso();
    const pending = { created_at: now, modified_at: null, id: uuid(), applies_at: subscription.current_period_end };
    return { ...subscription, pending_update: { ...pending, product_id: product.id, seats: null } };
  }
  const price = primaryPrice(product.prices);
  const amount = priceAmount(price, { seats: subscription.seats });
  const switched: Subscription = {
    ...subscription,
    product,
    product_id: product.id,
    prices: product.prices.filter((p) => !p.is_archived),
    amount,
    currency: price?.price_currency ?? subscription.currency,
    recurring_interval: product.recurring_interval as Interval,
    recurring_interval_count: product.recurring_interval_count ?? 1,
    pending_update: null,
  };
  if (proration === "invoice") {
    // The difference for the rest of the current period is charged at once.
    const left = ms(subscription.current_period_end) - state.clock.now().getTime();
    const whole = ms(subscription.current_period_end) - ms(subscription.current_period_start);
    const due = Math.round(((amount - subscription.amount) * Math.max(0, left)) / Math.max(1, whole));
    if (due > 0) {
      chargeOrder(state, switched, "subscription_update", due, { discount: null, discountAmount: 0 }, product.name);
    }
  }
  return switched;
}

function updateSeats(state: EmulatorState, before: Subscription, seats: number): Subscription {
  const price = before.prices.find((p) => p.amount_type === "seat_based");
  if (price?.amount_type !== "seat_based") {
    throw polarError(400, "NotASeatBasedSubscription", "This subscription does not have a seat-based price.");
  }
  if (!isActive(before)) throw inactive();
  const { min, max } = seatBounds(price);
  if (seats < min) throw polarError(400, "BelowMinimumSeats", `The minimum number of seats is ${min}.`);
  if (max !== null && seats > max) throw polarError(400, "AboveMaximumSeats", `The maximum number of seats is ${max}.`);
  // Seats already handed out (pending or claimed) cannot be taken back by lowering the count.
  const assigned = seatsOf(state, organizationOfSubscription(before), { kind: "subscription", doc: before }).filter(
    (seat) => seat.status !== "revoked",
  ).length;
  if (seats < assigned) {
    throw polarError(
      400,
      "SeatsAlreadyAssigned",
      `${assigned} seats are assigned: revoke some before lowering the count to ${seats}.`,
    );
  }
  return save(state, before, { ...before, seats, amount: priceAmount(price, { seats }) });
}

function cancel(state: EmulatorState, before: Subscription, body: Schema<"SubscriptionCancel">): Subscription {
  if (body.cancel_at_period_end) {
    if (!isBillable(before) || before.ended_at || before.cancel_at_period_end) {
      throw polarError(
        403,
        "AlreadyCanceledSubscription",
        "This subscription is already canceled or will be at the end of the period.",
      );
    }
    return save(state, before, {
      ...before,
      cancel_at_period_end: true,
      canceled_at: state.clock.iso(),
      ends_at: before.current_period_end,
      customer_cancellation_reason: body.customer_cancellation_reason ?? null,
      customer_cancellation_comment: body.customer_cancellation_comment ?? null,
    });
  }
  if (before.ended_at) throw polarError(410, "ResourceUnavailable", "This subscription has already ended.");
  if (!before.cancel_at_period_end || !isBillable(before)) {
    throw polarError(400, "BadRequest", "This subscription is not set to cancel at the end of the period.");
  }
  return save(state, before, {
    ...before,
    cancel_at_period_end: false,
    canceled_at: null,
    ends_at: null,
    customer_cancellation_reason: null,
    customer_cancellation_comment: null,
  });
}

function schedulePause(state: EmulatorState, before: Subscription, body: Schema<"SubscriptionPause">) {
  if (!body.pause_at_period_end) {
    if (!before.pause_at_period_end) throw polarError(409, "NoScheduledPause", "No pause is scheduled.");
    return save(state, before, { ...before, pause_at_period_end: false, resumes_at: null });
  }
  if (before.status !== "active" || before.cancel_at_period_end || before.pause_at_period_end) {
    throw polarError(409, "CannotPauseSubscription", "This subscription cannot be paused.");
  }
  if (body.resumes_at && ms(body.resumes_at) <= ms(before.current_period_end)) {
    throw invalid(
      ["body", "resumes_at"],
      "resumes_at must be after the end of the current period.",
      "value_error",
      body.resumes_at,
    );
  }
  return save(state, before, {
    ...before,
    pause_at_period_end: true,
    resumes_at: body.resumes_at ? iso(body.resumes_at) : null,
  });
}

/**
 * `SubscriptionUpdate` is a union without a discriminator: the body is matched on the field that
 * only one of its shapes has (each shape forbids extra fields, so at most one matches).
 */
export function updateSubscription(
  state: EmulatorState,
  organizationId: string,
  before: Subscription,
  body: Update,
): Subscription {
  if ("revoke" in body) return revokeSubscription(state, before, body);
  if ("cancel_at_period_end" in body) return cancel(state, before, body);
  if ("pause_at_period_end" in body) return schedulePause(state, before, body);
  if ("resume" in body) {
    if (before.status !== "paused") throw polarError(409, "NotPausedSubscription", "This subscription is not paused.");
    return resume(state, before, state.clock.iso());
  }
  if ("seats" in body) return updateSeats(state, before, body.seats);
  if ("current_billing_period_end" in body) {
    if (!isBillable(before)) throw inactive();
    if (ms(body.current_billing_period_end) <= state.clock.now().getTime()) {
      throw invalid(
        ["body", "current_billing_period_end"],
        "The billing period end must be in the future.",
        "value_error",
        body.current_billing_period_end,
      );
    }
    return save(state, before, { ...before, current_period_end: iso(body.current_billing_period_end) });
  }
  if ("pending_update" in body) return save(state, before, { ...before, pending_update: null });
  const base = body as Schema<"SubscriptionUpdateBase">;
  if (Object.values(base).every((v) => v === undefined)) return before;
  if (REVOKED.includes(before.status)) throw inactive();
  return updateBase(state, organizationId, before, base);
}
