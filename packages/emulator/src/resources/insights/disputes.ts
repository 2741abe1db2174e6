// Disputes (chargebacks) on the emulator's payments. They cannot happen offline, so
// `POST /__emulator/disputes` opens one on a paid order's payment; `disputes:accept` concedes it as
// the API does: the dispute is closed as `lost`, and what the order bought is taken back (its
// subscription revoked at once, or its benefits revoked for a one-time purchase).
import type { Schema } from "@polar-kit/core";
import type { Hono } from "hono";
import { organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { notFound, polarError } from "../../errors";
import { uuid } from "../../ids";
import { matches, paginate } from "../../pagination";
import { loadSpec } from "../../spec";
import type { Doc } from "../../store";
import type { Issue } from "../../validate";
import { emitStateChanged } from "../commerce/customer-state";
import { revokeGrants } from "../commerce/grants";
import { type Customer, KIND, type Order, type Subscription, sortWith } from "../commerce/shared";
import { isBillable, revokeSubscription } from "../commerce/subscription-lifecycle";
import { issue, readObject, unprocessable } from "../platform/emulator-input";
import { succeededPaymentOf } from "./payments";

const DISPUTE = "dispute";

export type Dispute = Schema<"Dispute"> & Doc;
type Status = Dispute["status"];

// How long the merchant has to answer a dispute that needs a response (Stripe's usual window).
const EVIDENCE_WINDOW_MS = 7 * 24 * 3600 * 1000;
const OPENING: Status[] = ["needs_response", "early_warning"];

/** The customer as a dispute embeds it: only the fields of the spec's `DisputeCustomer`. */
function disputeCustomer(customer: Customer): Dispute["customer"] {
  const fields = Object.keys(loadSpec().document.components.schemas.DisputeCustomer?.properties as object);
  const source = customer as unknown as Record<string, unknown>;
  return Object.fromEntries(fields.filter((f) => f in source).map((f) => [f, source[f]])) as Dispute["customer"];
}

/** The dispute with its customer as the customer is now. */
function present(state: EmulatorState, dispute: Dispute): Dispute {
  const customer = state.store.find<Customer>(KIND.customer, dispute.customer.id);
  return customer ? { ...dispute, customer: disputeCustomer(customer) } : dispute;
}

/** The organization's dispute, or the API's 404. */
function ownedDispute(state: EmulatorState, id: string, organizationId: string): Dispute {
  const doc = state.store.find<Dispute>(DISPUTE, id);
  if (!doc || doc.customer.organization_id !== organizationId) throw notFound();
  return doc;
}

const disputesOf = (state: EmulatorState, orderId: string, organizationId: string) =>
  state.store.all<Dispute>(DISPUTE, { organizationId }).filter((dispute) => dispute.order_id === orderId);

/**
 * Whether refunds of an order are refused (403 `RefundDisputedPayment`): its payment is disputed,
 * or the dispute was lost and the money is already back with the customer.
 */
export const refundBlockedByDispute = (state: EmulatorState, orderId: string, organizationId: string) =>
  disputesOf(state, orderId, organizationId).some((dispute) => !["prevented", "won"].includes(dispute.status));

/** A lost dispute takes back what the order bought, as the API's `_revoke` does. */
function takeBack(state: EmulatorState, order: Order): void {
  if (order.subscription_id) {
    const subscription = state.store.find<Subscription>(KIND.subscription, order.subscription_id);
    const revocable =
      subscription && !subscription.ended_at && (isBillable(subscription) || subscription.status === "paused");
    if (revocable) revokeSubscription(state, subscription, {});
    return;
  }
  if (order.product_id && revokeGrants(state, order.customer_id, { orderId: order.id })) {
    emitStateChanged(state, order.customer_id);
  }
}

interface OpenDispute {
  order_id: string;
  amount?: number;
  reason?: string;
  status?: Status;
}

/** What is wrong with a `POST /__emulator/disputes` body, or the order it disputes. */
function checkOpening(
  state: EmulatorState,
  body: Record<string, unknown>,
): { issues: Issue[]; order?: Order; paymentId?: string } {
  const { order_id, amount, reason, status } = body;
  if (typeof order_id !== "string") return { issues: [issue("order_id", "Field required", "missing", order_id)] };
  const order = state.store.find<Order>(KIND.order, order_id);
  if (!order) return { issues: [issue("order_id", "Order does not exist.", "value_error", order_id)] };
  const issues: Issue[] = [];
  const payment = succeededPaymentOf(state, order.customer.organization_id, order);
  if (!payment) {
    issues.push(issue("order_id", "Order has no payment to dispute.", "value_error", order_id));
  } else if (disputesOf(state, order.id, order.customer.organization_id).length) {
    // A card network opens one dispute per charge.
    issues.push(issue("order_id", "The order's payment is already disputed.", "value_error", order_id));
  }
  if (
    amount !== undefined &&
    (!Number.isInteger(amount) || (amount as number) < 1 || (amount as number) > order.total_amount)
  ) {
    issues.push(issue("amount", `Input should be a whole number from 1 to ${order.total_amount}`, "int", amount));
  }
  if (reason !== undefined && (typeof reason !== "string" || !reason || reason.length > 64)) {
    issues.push(issue("reason", "Input should be a short string, e.g. fraudulent", "string_type", reason));
  }
  if (status !== undefined && !OPENING.includes(status as Status)) {
    issues.push(issue("status", `Input should be one of: ${OPENING.join(", ")}`, "enum", status));
  }
  return { issues, order, paymentId: payment?.id };
}

/** Opens a dispute on an order's payment, as a card network would. */
function openDispute(state: EmulatorState, order: Order, paymentId: string, input: OpenDispute): Dispute {
  const now = state.clock.iso();
  const status = input.status ?? "needs_response";
  // The disputed amount is split into its net and tax parts in the order's proportions.
  const disputed = input.amount ?? order.total_amount;
  const taxAmount = order.total_amount ? Math.round((order.tax_amount * disputed) / order.total_amount) : 0;
  const customer = state.store.find<Customer>(KIND.customer, order.customer_id) ?? order.customer;
  const dispute: Dispute = {
    created_at: now,
    modified_at: null,
    id: uuid(),
    status,
    resolved: false,
    closed: false,
    amount: disputed - taxAmount,
    tax_amount: taxAmount,
    currency: order.currency,
    reason: input.reason ?? "fraudulent",
    evidence_due_by: status === "needs_response" ? state.clock.iso(EVIDENCE_WINDOW_MS) : null,
    past_due: false,
    order_id: order.id,
    payment_id: paymentId,
    customer: disputeCustomer(customer as Customer),
    case_id: null,
  };
  return state.store.insert(DISPUTE, dispute, {
    organizationId: customer.organization_id,
    customerId: customer.id,
  });
}

/** `POST /__emulator/disputes {order_id, amount?, reason?, status?}`: a chargeback on a paid order. */
export function disputeRoutes(app: Hono, state: EmulatorState): void {
  app.post("/__emulator/disputes", async (c) => {
    const body = await readObject(c);
    if (Array.isArray(body)) return unprocessable(c, body);
    const result = state.db.transaction(() => {
      const { issues, order, paymentId } = checkOpening(state, body);
      if (issues.length || !order || !paymentId) return { issues };
      return { dispute: openDispute(state, order, paymentId, body as unknown as OpenDispute) };
    });
    if (!result.dispute) return unprocessable(c, result.issues ?? []);
    return c.json(result.dispute, 201);
  });
}

export const disputeHandlers: OperationHandlers = {
  "disputes:list": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const items = state.store
      .all<Dispute>(DISPUTE, { organizationId })
      .filter(
        (d) =>
          matches(query.organization_id, organizationId) &&
          matches(query.order_id, d.order_id) &&
          matches(query.status, d.status),
      )
      .map((d) => present(state, d));
    return paginate(sortWith(items, query.sorting, ["-created_at"]), query);
  },
  "disputes:get": ({ state, subject, params }) =>
    present(state, ownedDispute(state, params.id as string, organizationOf(subject))),
  /**
   * Concedes a dispute that awaits the merchant's response: it is settled as `lost` (resolved and
   * closed) and the order's subscription or benefits are revoked. Any other status is a 409.
   */
  "disputes:accept": ({ state, subject, params }) => {
    const dispute = ownedDispute(state, params.id as string, organizationOf(subject));
    if (dispute.status !== "needs_response") {
      throw polarError(409, "DisputeNotOpenError", `Dispute ${dispute.id} is not awaiting a response.`);
    }
    const lost = state.store.put<Dispute>(DISPUTE, {
      ...dispute,
      status: "lost",
      resolved: true,
      closed: true,
      modified_at: state.clock.iso(),
    });
    const order = state.store.find<Order>(KIND.order, dispute.order_id);
    if (order) takeBack(state, order);
    return present(state, lost);
  },
};
