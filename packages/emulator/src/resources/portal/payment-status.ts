// An order's payment as the portal shows it, and the customer's own retry of a renewal whose charge
// was declined. Each charge attempt is kept (the API's `Payment`); orders paid at checkout, which the
// emulator charges without recording an attempt, read as `succeeded`.
import type { Schema } from "@polar-kit/core";
import type { Hono } from "hono";
import type { EmulatorState, OperationHandlers } from "../../context";
import { invalid, polarError } from "../../errors";
import { uuid } from "../../ids";
import type { Doc } from "../../store";
import { emitStateChanged, withCustomer } from "../commerce/customer-state";
import { emitNewOrder, insertOrder, saveOrder } from "../commerce/order-store";
import { PAYMENT_METHOD, type PaymentMethod, saveCard } from "../commerce/payment-methods";
import { primaryPrice } from "../commerce/products";
import { paymentFromToken } from "../commerce/purchase";
import { type Customer, KIND, type Order, type Subscription } from "../commerce/shared";
import { isBillable, organizationOfSubscription, present, save } from "../commerce/subscription-lifecycle";
import { issue, readObject, unprocessable } from "../platform/emulator-input";
import { customerOrder } from "./orders";
import { cardOfToken } from "./payment-methods";
import { sessionCustomer } from "./scope";

export const PAYMENT_ATTEMPT = "order_payment_attempt";

// When Polar's dunning tries a declined renewal again (its first retry interval).
const FIRST_RETRY_MS = 2 * 24 * 3600 * 1000;

const DECLINE_MESSAGE = "Your card was declined.";

type Attempt = Doc & {
  order_id: string;
  customer_id: string;
  status: Schema<"PaymentStatus">;
  decline_message: string | null;
  created_at: string;
};

function recordAttempt(state: EmulatorState, order: Order, status: Attempt["status"], message: string | null) {
  const attempt: Attempt = {
    id: uuid(),
    created_at: state.clock.iso(),
    order_id: order.id,
    customer_id: order.customer_id,
    status,
    decline_message: message,
  };
  state.store.insert(PAYMENT_ATTEMPT, attempt, { organizationId: order.customer.organization_id });
}

/** The order's latest charge attempt, if the emulator recorded one. */
const latestAttempt = (state: EmulatorState, order: Order) =>
  state.store
    .all<Attempt>(PAYMENT_ATTEMPT, { customerId: order.customer_id })
    .filter((attempt) => attempt.order_id === order.id)
    .at(-1);

/** `CustomerOrderPaymentStatus`: the latest attempt, else what the order's state says. */
function paymentStatus(state: EmulatorState, order: Order): Schema<"CustomerOrderPaymentStatus"> {
  const attempt = latestAttempt(state, order);
  if (attempt) return { status: attempt.status, error: attempt.decline_message };
  if (order.paid && order.total_amount > 0) return { status: "succeeded", error: null };
  return { status: "no_payment", error: null };
}

/**
 * A renewal whose charge was declined: a `pending` `subscription_cycle` order with its next attempt
 * scheduled, a failed attempt, and the subscription `past_due`. The emulator's renewals always pay
 * (no dunning yet), so this is the state a declined renewal leaves, for tests and future dunning.
 */
export function declineRenewal(state: EmulatorState, subscription: Subscription, message = DECLINE_MESSAGE): Order {
  const current = present(state, subscription);
  const organizationId = organizationOfSubscription(current);
  const inserted = insertOrder(state, {
    organizationId,
    customer: current.customer as Customer,
    product: current.product as never,
    status: "pending",
    billingReason: "subscription_cycle",
    subtotal: current.amount,
    discount: null,
    discountAmount: 0,
    currency: current.currency,
    label: current.product.name,
    priceId: primaryPrice(current.product.prices)?.id ?? null,
    seats: current.seats ?? null,
    subscription: current,
    metadata: current.metadata,
  });
  const order = state.store.put(KIND.order, { ...inserted, next_payment_attempt_at: state.clock.iso(FIRST_RETRY_MS) });
  emitNewOrder(state, organizationId, order);
  recordAttempt(state, order, "failed", message);
  if (current.status !== "past_due") {
    const pastDue = save(state, current, { ...current, status: "past_due", past_due_at: state.clock.iso() }, true);
    const shown = present(state, pastDue);
    state.emit(organizationId, "subscription.updated", shown);
    state.emit(organizationId, "subscription.past_due", shown);
    emitStateChanged(state, pastDue.customer_id);
  }
  return order;
}

const notEligible = () => polarError(422, "OrderNotEligibleForRetry", "Order is not eligible for payment retry.");

type Confirm = Schema<"CustomerOrderConfirmPayment">;

/** Whether the retry pays: a saved card of the customer always does, a token per the test cards. */
function chargeSucceeds(state: EmulatorState, customer: Customer, body: Confirm): boolean {
  const token = body.confirmation_token_id ?? null;
  const methodId = body.payment_method_id ?? null;
  if (token === null && methodId === null) {
    throw invalid(
      ["body", "confirmation_token_id"],
      "Either confirmation_token_id or payment_method_id must be provided",
      "missing",
    );
  }
  if (token !== null && methodId !== null) {
    throw invalid(
      ["body", "payment_method_id"],
      "Only one of confirmation_token_id or payment_method_id can be provided",
      "value_error",
      methodId,
    );
  }
  if (methodId !== null) {
    const method = state.store.find<PaymentMethod>(PAYMENT_METHOD, methodId);
    if (!method || method.customer_id !== customer.id) {
      throw invalid(
        ["body", "payment_method_id"],
        "Payment method does not belong to customer",
        "value_error",
        methodId,
      );
    }
    return true;
  }
  return !paymentFromToken(token).declined;
}

/**
 * The customer pays a declined renewal now. Success: the order is paid (`order.updated`,
 * `order.paid`), a past-due subscription is active again, and a new card is kept. A decline
 * answers 200 `failed` with the reason, as the API does, and changes nothing but the attempt.
 */
function retryPayment(state: EmulatorState, customer: Customer, id: string, body: Confirm) {
  const order = customerOrder(state, customer, id);
  if (order.status !== "pending" || !order.next_payment_attempt_at || !order.subscription_id) throw notEligible();
  if ((body.payment_processor ?? "stripe") !== "stripe") throw notEligible();
  if (!chargeSucceeds(state, customer, body)) {
    recordAttempt(state, order, "failed", DECLINE_MESSAGE);
    return { status: "failed", client_secret: null, error: DECLINE_MESSAGE };
  }
  recordAttempt(state, order, "succeeded", null);
  if (body.confirmation_token_id) {
    saveCard(state, customer.organization_id, customer.id, cardOfToken(body.confirmation_token_id));
  }
  const paid = saveOrder(state, customer.organization_id, {
    ...order,
    status: "paid",
    due_amount: 0,
    next_payment_attempt_at: null,
  });
  state.emit(customer.organization_id, "order.paid", paid);
  const subscription = state.store.find<Subscription>(KIND.subscription, order.subscription_id);
  if (subscription?.status === "past_due") {
    save(state, subscription, { ...subscription, status: "active", past_due_at: null });
  }
  return { status: "succeeded", client_secret: null, error: null };
}

export const paymentStatusHandlers: OperationHandlers = {
  "customer_portal:orders:get_payment_status": ({ state, subject, params }) => {
    const customer = sessionCustomer(state, subject);
    return paymentStatus(state, customerOrder(state, customer, params.id as string));
  },
  "customer_portal:orders:confirm_retry_payment": ({ state, subject, params, body }) =>
    retryPayment(state, sessionCustomer(state, subject), params.id as string, body),
};

/**
 * `POST /__emulator/declined-renewals {subscription_id}`: renews a billable subscription now with a
 * declined charge (see `declineRenewal`), so the portal's payment retry can be exercised.
 */
export function declinedRenewalRoutes(app: Hono, state: EmulatorState): void {
  app.post("/__emulator/declined-renewals", async (c) => {
    const body = await readObject(c);
    if (Array.isArray(body)) return unprocessable(c, body);
    const id = body.subscription_id;
    const subscription = typeof id === "string" ? state.store.find<Subscription>(KIND.subscription, id) : undefined;
    if (!subscription) {
      return unprocessable(c, [issue("subscription_id", "Subscription does not exist.", "value_error", id)]);
    }
    if (!isBillable(subscription) || subscription.ended_at) {
      return unprocessable(c, [issue("subscription_id", "Subscription is not billable.", "value_error", id)]);
    }
    const order = state.db.transaction(() => declineRenewal(state, subscription));
    return c.json(withCustomer(state, order), 201);
  });
}
