// The customer's saved cards: list, add (a confirmation token, as Stripe Elements gives it),
// confirm a setup that needed an extra step, and delete. Cards are the Core API's payment methods
// (`commerce/payment-methods.ts`), so both APIs see the same ones.
import type { Schema } from "@polar-kit/core";
import type { EmulatorState, OperationHandlers } from "../../context";
import { Reply } from "../../context";
import { invalid, polarError } from "../../errors";
import { secret } from "../../ids";
import { paginate } from "../../pagination";
import type { Doc } from "../../store";
import { updateCustomer } from "../commerce/customers";
import {
  type CardDetails,
  DEFAULT_CARD,
  PAYMENT_METHOD,
  type PaymentMethod,
  saveCard,
} from "../commerce/payment-methods";
import { paymentFromToken } from "../commerce/purchase";
import { type Customer, KIND, type Subscription } from "../commerce/shared";
import { isBillable } from "../commerce/subscription-lifecycle";
import { billingCustomer, ownedBy } from "./scope";

/** Stripe's test card that needs 3-D Secure: adding it answers `requires_action`. */
const THREE_D_SECURE_CARD = "4000002500003155";

const SETUP_INTENT = "setup_intent";

type SetupIntent = Doc & {
  customer_id: string;
  client_secret: string;
  status: "requires_action" | "succeeded";
  card: CardDetails;
  payment_method_id: string | null;
};

/** The customer's cards, newest first, each saying whether it is the default. */
function customerPaymentMethods(state: EmulatorState, customer: Customer) {
  return state.store
    .all<PaymentMethod>(PAYMENT_METHOD, { customerId: customer.id })
    .reverse()
    .map((method) => ({ ...method, is_default: method.id === customer.default_payment_method_id }));
}

/**
 * The card a confirmation token stands for. There is no Stripe here: a token may carry a card
 * number (its last four digits are kept), otherwise it is the success card.
 */
export function cardOfToken(token: string): CardDetails {
  const number = /\d{13,19}/.exec(token.replace(/[\s-]+/g, ""))?.[0];
  return number ? { ...DEFAULT_CARD, last4: number.slice(-4) } : DEFAULT_CARD;
}

const setupFailed = () =>
  polarError(
    400,
    "PaymentMethodSetupFailed",
    "Could not add this payment method: Your card was declined. Please try again with a different card.",
  );

/** Saves the card on the customer (and as their default when asked): the `succeeded` answer. */
function keepCard(state: EmulatorState, customer: Customer, card: CardDetails, setDefault: boolean) {
  const method = saveCard(state, customer.organization_id, customer.id, card);
  let current = customer;
  if (setDefault && customer.default_payment_method_id !== method.id) {
    // A change of the customer: `customer.updated` and `customer.state_changed`, as the API sends.
    current = updateCustomer(state, { ...customer, default_payment_method_id: method.id } as Customer, {});
  }
  return {
    status: "succeeded",
    payment_method: { ...method, is_default: current.default_payment_method_id === method.id },
  };
}

function addPaymentMethod(state: EmulatorState, customer: Customer, body: Schema<"CustomerPaymentMethodCreate">) {
  if (!body.confirmation_token_id.trim()) {
    throw invalid(["body", "confirmation_token_id"], "Invalid confirmation token.", "value_error", "");
  }
  if (paymentFromToken(body.confirmation_token_id).declined) throw setupFailed();
  const card = cardOfToken(body.confirmation_token_id);
  if (body.confirmation_token_id.replace(/[\s-]+/g, "").includes(THREE_D_SECURE_CARD)) {
    const id = secret("seti_", 24);
    const intent: SetupIntent = {
      id,
      created_at: state.clock.iso(),
      customer_id: customer.id,
      client_secret: `${id}_secret_${secret("", 24)}`,
      status: "requires_action",
      card,
      payment_method_id: null,
    };
    state.store.insert(SETUP_INTENT, intent, { organizationId: customer.organization_id, customerId: customer.id });
    return { status: "requires_action", client_secret: intent.client_secret };
  }
  return keepCard(state, customer, card, body.set_default);
}

/**
 * Completes a setup that answered `requires_action`. The emulator has no 3-D Secure challenge:
 * confirming stands for the customer having passed it.
 */
function confirmPaymentMethod(state: EmulatorState, customer: Customer, body: Schema<"CustomerPaymentMethodConfirm">) {
  const intents = state.store.all<SetupIntent>(SETUP_INTENT, { customerId: customer.id });
  const hasCards = state.store.all(PAYMENT_METHOD, { customerId: customer.id }).length > 0;
  // The API's "customer not ready": no card and no setup yet, so no Stripe customer to confirm for.
  if (!intents.length && !hasCards) {
    throw polarError(403, "CustomerNotReady", "Customer is not ready for this operation.");
  }
  const intent = intents.find((i) => i.id === body.setup_intent_id);
  if (!intent) throw invalid(["body", "setup_intent_id"], "Invalid setup_intent_id.", "invalid", body.setup_intent_id);
  const result = keepCard(state, customer, intent.card, body.set_default);
  state.store.put(SETUP_INTENT, { ...intent, status: "succeeded", payment_method_id: result.payment_method.id });
  return result;
}

/**
 * Deletes a card. A paid subscription still needs one: the last card cannot go while one is
 * billable (the emulator's subscriptions do not record their card, so any card serves them all).
 */
function deletePaymentMethod(state: EmulatorState, customer: Customer, id: string) {
  const method = ownedBy<PaymentMethod>(state, PAYMENT_METHOD, id, customer);
  const others = state.store.all(PAYMENT_METHOD, { customerId: customer.id }).filter((m) => m.id !== method.id);
  const billed = state.store
    .all<Subscription>(KIND.subscription, { customerId: customer.id })
    .filter((s) => isBillable(s) && s.amount > 0);
  if (billed.length && !others.length) {
    throw polarError(
      400,
      "PaymentMethodInUseByActiveSubscription",
      "Cannot delete payment method. It is currently used by active subscription and no alternative payment methods",
    );
  }
  state.store.remove(PAYMENT_METHOD, method.id);
  const wasDefault = customer.default_payment_method_id === method.id;
  // The API touches the customer either way, so `customer.updated` goes out.
  updateCustomer(state, { ...customer, ...(wasDefault && { default_payment_method_id: null }) } as Customer, {});
  return new Reply(204);
}

export const paymentMethodApiHandlers: OperationHandlers = {
  "customer_portal:customers:list_payment_methods": ({ state, subject, query }) =>
    paginate(customerPaymentMethods(state, billingCustomer(state, subject)), query),
  "customer_portal:customers:add_payment_method": ({ state, subject, body }) =>
    addPaymentMethod(state, billingCustomer(state, subject), body),
  "customer_portal:customers:confirm_payment_method": ({ state, subject, body }) =>
    confirmPaymentMethod(state, billingCustomer(state, subject), body),
  "customer_portal:customers:delete_payment_method": ({ state, subject, params }) =>
    deletePaymentMethod(state, billingCustomer(state, subject), params.id as string),
};
