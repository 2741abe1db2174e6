import type { Schema } from "@polar-kit/core";
import { organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { build } from "../../defaults";
import { invalid, polarError } from "../../errors";
import { uuid } from "../../ids";
import { matches, paginate, sortBy } from "../../pagination";
import { refundBlockedByDispute } from "../insights/disputes";
import { emitStateChanged } from "./customer-state";
import { revokeGrants } from "./grants";
import { getOrder, withDerived } from "./order-store";
import { type Customer, KIND, metadata, type Order, type Refund } from "./shared";

/** The order's status once `refunded` cents of it are refunded. */
const refundedStatus = (order: Order, refunded: number): Order["status"] =>
  refunded <= 0
    ? "paid"
    : refunded >= order.net_amount + order.applied_balance_amount
      ? "refunded"
      : "partially_refunded";

/**
 * Refunds part or all of a paid order. The refund is created pending (`refund.created`) and succeeds
 * at once (`refund.updated`); the order follows (`order.refunded`, `order.updated`), and with
 * `revoke_benefits` a one-time order's grants are revoked.
 */
function createRefund(state: EmulatorState, organizationId: string, body: Schema<"RefundCreate">): Refund {
  let order: Order;
  try {
    order = getOrder(state, organizationId, body.order_id);
  } catch {
    throw invalid(["body", "order_id"], "Order does not exist.", "value_error", body.order_id);
  }
  if (order.status === "refunded") throw polarError(403, "RefundedAlready", "Order is already fully refunded.");
  if (refundBlockedByDispute(state, order.id, organizationId)) {
    throw polarError(
      403,
      "RefundDisputedPayment",
      `Refund cannot be issued for order with disputed payment: ${order.id}`,
    );
  }
  if (!order.paid) throw invalid(["body", "order_id"], "Order is not paid.", "value_error", body.order_id);
  if (body.amount > order.refundable_amount) {
    throw invalid(["body", "amount"], "Refund amount exceeds refundable amount", "value_error", body.amount);
  }
  if (body.revoke_benefits && order.subscription_id) {
    throw polarError(
      400,
      "RevokeSubscriptionBenefitsProhibited",
      "Benefits of a subscription order cannot be revoked by a refund: revoke the subscription instead.",
    );
  }
  const now = state.clock.iso();
  // Tax is refunded in proportion to the amount (always 0 while tax is not emulated).
  const taxAmount = order.net_amount ? Math.round((order.tax_amount * body.amount) / order.net_amount) : 0;
  const pending = build("Refund", now, {
    created_at: now,
    modified_at: null,
    id: uuid(),
    metadata: metadata(body.metadata),
    status: "pending",
    reason: body.reason,
    amount: body.amount,
    tax_amount: taxAmount,
    currency: order.currency,
    organization_id: organizationId,
    order_id: order.id,
    subscription_id: order.subscription_id,
    customer_id: order.customer_id,
    revoke_benefits: body.revoke_benefits ?? false,
    dispute: null,
  }) as unknown as Refund;
  state.store.insert(KIND.refund, pending);
  state.emit(organizationId, "refund.created", pending);
  const refund = state.store.put(KIND.refund, { ...pending, status: "succeeded" as const, modified_at: now });
  state.emit(organizationId, "refund.updated", refund);

  const refunded = order.refunded_amount + body.amount;
  const updated = state.store.put(
    KIND.order,
    withDerived({
      ...order,
      refunded_amount: refunded,
      refunded_tax_amount: order.refunded_tax_amount + taxAmount,
      status: refundedStatus(order, refunded),
      modified_at: now,
    }),
  );
  state.emit(organizationId, "order.refunded", updated);
  state.emit(organizationId, "order.updated", updated);
  if (refund.revoke_benefits) {
    revokeGrants(state, order.customer_id, { orderId: order.id });
    emitStateChanged(state, order.customer_id);
  }
  return refund;
}

export const refundHandlers: OperationHandlers = {
  "refunds:list": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const externalIds = query.external_customer_id == null ? null : [query.external_customer_id].flat();
    const items = state.store.all<Refund>(KIND.refund, { organizationId }).filter((r) => {
      const customer = externalIds ? state.store.find<Customer>(KIND.customer, r.customer_id) : undefined;
      return (
        matches(query.id, r.id) &&
        matches(query.order_id, r.order_id) &&
        matches(query.subscription_id, r.subscription_id) &&
        matches(query.customer_id, r.customer_id) &&
        (!externalIds || (customer?.external_id != null && externalIds.includes(customer.external_id))) &&
        (query.succeeded == null || (r.status === "succeeded") === query.succeeded)
      );
    });
    return paginate(sortBy(items, query.sorting, ["-created_at"]), query);
  },
  "refunds:create": ({ state, subject, body }) => createRefund(state, organizationOf(subject), body),
};
