// Payments as read views of the emulator's own records. A charge attempt the emulator recorded (a
// declined renewal and the customer's retries, see `portal/payment-status.ts`) is a payment as it
// is; an order that took money without a recorded attempt (paid at checkout, or renewed) was paid
// by one successful card payment whose id is derived from the order's, so it is the same on every
// read and after a restart. Nothing is copied.
import type { Schema } from "@polar-kit/core";
import { organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { notFound } from "../../errors";
import { derivedUuid } from "../../ids";
import { matches, paginate } from "../../pagination";
import type { Doc } from "../../store";
import { withCustomer } from "../commerce/customer-state";
import { ordersOf } from "../commerce/order-store";
import { PAYMENT_METHOD } from "../commerce/payment-methods";
import { KIND, type Order, sortWith } from "../commerce/shared";
import { PAYMENT_ATTEMPT } from "../portal/payment-status";

export type Payment = Schema<"CardPayment">;

const PAID = new Set(["paid", "refunded", "partially_refunded"]);

/** A stable UUID4 for the payment of an order. */
const paymentIdOf = (orderId: string) => derivedUuid("payment", orderId);

/** Whether an order was paid with money, hence by a payment (free orders are not). */
const hasPayment = (order: Order) => PAID.has(order.status) && order.total_amount > 0;

type Card = Doc & { customer_id: string; method_metadata?: { brand?: string; last4?: string } };
type Attempt = Doc & {
  order_id: string;
  status: Payment["status"];
  decline_message: string | null;
  created_at: string;
};

/** The order's payment: a recorded attempt, or (without `attempt`) the one that paid it at once. */
function paymentOf(
  organizationId: string,
  order: Order,
  card: Card | undefined,
  attempt?: Attempt,
  retry = false,
): Payment {
  const failed = attempt?.status === "failed";
  const trigger = retry
    ? "retry_customer"
    : order.billing_reason === "subscription_cycle"
      ? "subscription_cycle"
      : "purchase";
  return {
    created_at: attempt?.created_at ?? order.created_at,
    modified_at: null,
    id: attempt?.id ?? paymentIdOf(order.id),
    processor: "stripe",
    status: attempt?.status ?? "succeeded",
    amount: order.total_amount,
    currency: order.currency,
    method: "card",
    trigger,
    decline_reason: failed ? "card_declined" : null,
    decline_message: failed ? (attempt?.decline_message ?? "Your card was declined.") : null,
    organization_id: organizationId,
    checkout_id: order.checkout_id,
    order_id: order.id,
    processor_metadata: {},
    method_metadata: {
      brand: card?.method_metadata?.brand ?? "visa",
      last4: card?.method_metadata?.last4 ?? "4242",
    },
  };
}

/** An order's payments: its recorded attempts, plus the one that paid it when none succeeded. */
function orderPayments(organizationId: string, order: Order, attempts: Attempt[], card: Card | undefined): Payment[] {
  const payments = attempts.map((attempt, index) => paymentOf(organizationId, order, card, attempt, index > 0));
  if (hasPayment(order) && !attempts.some((attempt) => attempt.status === "succeeded")) {
    payments.push(paymentOf(organizationId, order, card));
  }
  return payments;
}

/** The payments of one order, read from its customer's records only. */
function paymentsOfOrder(state: EmulatorState, organizationId: string, order: Order): Payment[] {
  const attempts = state.store
    .all<Attempt>(PAYMENT_ATTEMPT, { customerId: order.customer_id })
    .filter((attempt) => attempt.order_id === order.id);
  const [card] = state.store.all<Card>(PAYMENT_METHOD, { customerId: order.customer_id });
  return orderPayments(organizationId, order, attempts, card);
}

/** Each customer's first saved card (the one their payments show), read once for the organization. */
function firstCards(state: EmulatorState, organizationId: string): Map<string, Card> {
  const cards = new Map<string, Card>();
  for (const card of state.store.all<Card>(PAYMENT_METHOD, { organizationId })) {
    if (!cards.has(card.customer_id)) cards.set(card.customer_id, card);
  }
  return cards;
}

/** Every payment of the organization, each with its order. */
export function paymentsOf(state: EmulatorState, organizationId: string) {
  const attempts = new Map<string, Attempt[]>();
  for (const attempt of state.store.all<Attempt>(PAYMENT_ATTEMPT, { organizationId })) {
    attempts.set(attempt.order_id, [...(attempts.get(attempt.order_id) ?? []), attempt]);
  }
  const cards = firstCards(state, organizationId);
  return ordersOf(state, organizationId).flatMap((order) =>
    orderPayments(organizationId, order, attempts.get(order.id) ?? [], cards.get(order.customer_id)).map((payment) => ({
      order,
      payment,
    })),
  );
}

/** The succeeded payment of a paid order (the one a chargeback disputes), if it took money. */
export const succeededPaymentOf = (state: EmulatorState, organizationId: string, order: Order) =>
  paymentsOfOrder(state, organizationId, order).find((payment) => payment.status === "succeeded");

/** The organization's order a payment id belongs to: a recorded attempt's, or the one it is derived from. */
function orderOfPayment(state: EmulatorState, organizationId: string, id: string): Order | undefined {
  const attempt = state.store.find<Attempt>(PAYMENT_ATTEMPT, id);
  const order = state.store
    .all<Order>(KIND.order, { organizationId })
    .find((candidate) => (attempt ? candidate.id === attempt.order_id : paymentIdOf(candidate.id) === id));
  return order && withCustomer(state, order);
}

/** The organization's payment with this id, with its order, or the API's 404. */
export function getPayment(state: EmulatorState, organizationId: string, id: string) {
  const order = orderOfPayment(state, organizationId, id);
  const payment = order && paymentsOfOrder(state, organizationId, order).find((found) => found.id === id);
  if (!order || !payment) throw notFound();
  return { order, payment };
}

export const paymentHandlers: OperationHandlers = {
  "payments:list": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const items = paymentsOf(state, organizationId)
      .filter(
        ({ order, payment }) =>
          matches(query.organization_id, organizationId) &&
          matches(query.checkout_id, payment.checkout_id) &&
          matches(query.order_id, payment.order_id) &&
          matches(query.customer_id, order.customer_id) &&
          matches(query.status, payment.status) &&
          matches(query.method, payment.method) &&
          matches(query.customer_email, order.customer.email),
      )
      .map(({ payment }) => payment);
    return paginate(sortWith(items, query.sorting, ["-created_at"]), query);
  },
  "payments:get": ({ state, subject, params }) =>
    getPayment(state, organizationOf(subject), params.id as string).payment,
};
