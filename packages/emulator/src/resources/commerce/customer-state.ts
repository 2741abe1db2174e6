// `CustomerState`: the customer plus what it is entitled to now. Also the snapshots of the customer
// that orders, subscriptions, grants and license keys embed, kept current on every read.
import type { Schema } from "@polar-kit/core";
import type { EmulatorState } from "../../context";
import { type BenefitGrant, type Customer, KIND, type Subscription } from "./shared";

/** Active or trialing: the statuses that hold benefits and count in `active_subscriptions`. */
export const isActive = (subscription: { status: string }) => ["active", "trialing"].includes(subscription.status);

/** The customer's current state, as `GET /v1/customers/{id}/state` and `customer.state_changed` show it. */
export function customerState(state: EmulatorState, customer: Customer): Schema<"CustomerState"> {
  const subscriptions = state.store
    .all<Subscription>(KIND.subscription, { customerId: customer.id })
    .filter(isActive)
    .map((s) => ({
      id: s.id,
      created_at: s.created_at,
      modified_at: s.modified_at,
      custom_field_data: s.custom_field_data ?? {},
      metadata: s.metadata,
      status: s.status as "active" | "trialing",
      amount: s.amount,
      currency: s.currency,
      recurring_interval: s.recurring_interval,
      current_period_start: s.current_period_start,
      current_period_end: s.current_period_end,
      trial_start: s.trial_start,
      trial_end: s.trial_end,
      cancel_at_period_end: s.cancel_at_period_end,
      canceled_at: s.canceled_at,
      started_at: s.started_at,
      ends_at: s.ends_at,
      product_id: s.product_id,
      discount_id: s.discount_id,
      // Metered usage is not emulated yet.
      meters: [],
    }));
  const grants = state.store
    .all<BenefitGrant>(KIND.grant, { customerId: customer.id })
    .filter((g) => g.is_granted)
    .map((g) => ({
      id: g.id,
      created_at: g.created_at,
      modified_at: g.modified_at,
      granted_at: g.granted_at as string,
      benefit_id: g.benefit_id,
      benefit_type: g.benefit.type,
      benefit_metadata: g.benefit.metadata,
      properties: g.properties,
    }));
  return {
    ...customer,
    active_subscriptions: subscriptions,
    granted_benefits: grants,
    active_meters: [],
  } as Schema<"CustomerState">;
}

/** Queues `customer.state_changed`: the single webhook entitlement syncs listen to. */
export function emitStateChanged(state: EmulatorState, customerId: string): void {
  const customer = state.store.find<Customer>(KIND.customer, customerId);
  if (customer) state.emit(customer.organization_id, "customer.state_changed", customerState(state, customer));
}

/** `doc` with its embedded `customer` replaced by the customer as it is now. */
export function withCustomer<T extends { customer_id: string; customer: unknown }>(state: EmulatorState, doc: T): T {
  const customer = state.store.find<Customer>(KIND.customer, doc.customer_id);
  return customer ? { ...doc, customer } : doc;
}
