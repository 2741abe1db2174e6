import { organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { build } from "../../defaults";
import { uuid } from "../../ids";
import { paginate } from "../../pagination";
import type { Doc } from "../../store";
import { getCustomer, getExternalCustomer } from "./customers";

export const PAYMENT_METHOD = "payment_method";

/** The card a checkout was paid with, as the hosted page or a confirmation token gives it. */
export interface CardDetails {
  last4: string;
  expMonth: number;
  expYear: number;
}

// What a confirmation through the API pays with: the success test card.
export const DEFAULT_CARD: CardDetails = { last4: "4242", expMonth: 12, expYear: 2034 };

export type PaymentMethod = Doc & {
  customer_id: string;
  method_metadata: { last4: string; exp_month: number; exp_year: number };
};

/**
 * Keeps the card on the customer, once per card (Polar saves the payment method of a purchase);
 * returns the stored payment method.
 */
export function saveCard(
  state: EmulatorState,
  organizationId: string,
  customerId: string,
  card: CardDetails,
): PaymentMethod {
  const saved = state.store.all<PaymentMethod>(PAYMENT_METHOD, { customerId });
  const known = saved.find(
    (m) =>
      m.method_metadata.last4 === card.last4 &&
      m.method_metadata.exp_month === card.expMonth &&
      m.method_metadata.exp_year === card.expYear,
  );
  if (known) return known;
  const now = state.clock.iso();
  // Saving does not make the card the default: callers that want that set it (the portal's `set_default`).
  const method = build("CustomerPaymentMethodCard", now, {
    id: uuid(),
    created_at: now,
    modified_at: null,
    processor: "stripe",
    customer_id: customerId,
    type: "card",
    method_metadata: {
      brand: "visa",
      last4: card.last4,
      exp_month: card.expMonth,
      exp_year: card.expYear,
      wallet: null,
    },
  });
  return state.store.insert(PAYMENT_METHOD, method as unknown as PaymentMethod, { organizationId, customerId });
}

const listFor = (state: EmulatorState, customerId: string, query: { page?: unknown; limit?: unknown }) =>
  paginate(state.store.all(PAYMENT_METHOD, { customerId }).reverse(), query);

export const paymentMethodHandlers: OperationHandlers = {
  "customers:list_payment_methods": ({ state, subject, params, query }) =>
    listFor(state, getCustomer(state, organizationOf(subject), params.id ?? "").id, query),
  "customers:list_payment_methods_external": ({ state, subject, params, query }) =>
    listFor(state, getExternalCustomer(state, organizationOf(subject), params.external_id ?? "").id, query),
};
