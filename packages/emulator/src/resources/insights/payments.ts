// Payments as read views of the emulator's own records. A charge attempt the emulator recorded (a
// declined renewal and the customer's retries, see `portal/payment-status.ts`) is a payment as it
// is; an order that took money without a recorded attempt (paid at checkout, or renewed) was paid
// by one successful card payment whose id is derived from the order's, so it is the same on every
// read and after a restart. Nothing is copied.
import { createHash } from "node:crypto";
import type { Schema } from "@polar-kit/core";
import { organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { notFound } from "../../errors";
import { matches, paginate } from "../../pagination";
import type { Doc } from "../../store";
import { ordersOf } from "../commerce/order-store";
import { PAYMENT_METHOD } from "../commerce/payment-methods";
import { type Order, sortWith } from "../commerce/shared";
import { PAYMENT_ATTEMPT } from "../portal/payment-status";

export type Payment = Schema<"CardPayment">;

const PAID = new Set(["paid", "refunded", "partially_refunded"]);

/** A stable UUID4 for the payment of an order. */
export function paymentIdOf(orderId: string): string {
  const hex = createHash("sha256").update(`payment:${orderId}`).digest("hex").slice(0, 32).split("");
  hex[12] = "4";
  hex[16] = "89ab"[Number.parseInt(hex[16] as string, 16) % 4] as string;
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Whether an order was paid with money, hence by a payment (free orders are not). */
export const hasPayment = (order: Order) => PAID.has(order.status) && order.total_amount > 0;

type Card = { method_metadata?: { brand?: string; last4?: string } };
type Attempt = Doc & {
  order_id: string;
  status: Payment["status"];
  decline_message: string | null;
  created_at: string;
};

/** The order's payment: a recorded attempt, or (without `attempt`) the one that paid it at once. */
function paymentOf(
  state: EmulatorState,
  organizationId: string,
  order: Order,
  attempt?: Attempt,
  retry = false,
): Payment {
  const [card] = state.store.all<Card & { id: string }>(PAYMENT_METHOD, { customerId: order.customer_id });
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

/** Every payment of the organization, each with its order. */
export function paymentsOf(state: EmulatorState, organizationId: string) {
  const attempts = new Map<string, Attempt[]>();
  for (const attempt of state.store.all<Attempt>(PAYMENT_ATTEMPT, { organizationId })) {
    attempts.set(attempt.order_id, [...(attempts.get(attempt.order_id) ?? []), attempt]);
  }
  return ordersOf(state, organizationId).flatMap((order) => {
    const recorded = attempts.get(order.id) ?? [];
    const payments = recorded.map((attempt, index) => paymentOf(state, organizationId, order, attempt, index > 0));
    if (hasPayment(order) && !recorded.some((attempt) => attempt.status === "succeeded")) {
      payments.push(paymentOf(state, organizationId, order));
    }
    return payments.map((payment) => ({ order, payment }));
  });
}

/** The succeeded payment of a paid order (the one a chargeback disputes), if it took money. */
export const succeededPaymentOf = (state: EmulatorState, organizationId: string, order: Order) =>
  paymentsOf(state, organizationId).find((found) => found.order.id === order.id && found.payment.status === "succeeded")
    ?.payment;

/** The organization's payment with this id, with its order, or the API's 404. */
export function getPayment(state: EmulatorState, organizationId: string, id: string) {
  const found = paymentsOf(state, organizationId).find(({ payment }) => payment.id === id);
  if (!found) throw notFound();
  return found;
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
