// The customer's subscriptions: list, read, and the changes a customer may make (plan, seats,
// cancel/uncancel, pause/resume). Changes go through the commerce module, so the webhooks are the
// Core API's.
import type { Schema } from "@polar-kit/core";
import type { EmulatorState, OperationHandlers } from "../../context";
import { matches, paginate } from "../../pagination";
import { isActive } from "../commerce/customer-state";
import { type Customer, KIND, type Subscription, sortWith } from "../commerce/shared";
import { advance, present } from "../commerce/subscription-lifecycle";
import { updateSubscription } from "../commerce/subscription-update";
import { presentAs, withOrganization } from "./present";
import { billingCustomer, matchesText, organizationOfCustomer, ownedBy, sessionCustomer } from "./scope";

type PortalUpdate = Schema<"CustomerSubscriptionUpdate">;
type CoreUpdate = Schema<"SubscriptionUpdate">;

/** The customer's subscriptions, as they are now. */
export const customerSubscriptions = (state: EmulatorState, customer: Customer): Subscription[] =>
  state.store.all<Subscription>(KIND.subscription, { customerId: customer.id }).map((s) => present(state, s));

/** One of the customer's subscriptions, or 404. */
const customerSubscription = (state: EmulatorState, customer: Customer, id: string): Subscription =>
  present(state, ownedBy<Subscription>(state, KIND.subscription, id, customer));

/** A subscription as `CustomerSubscription`. */
export const presentSubscription = (state: EmulatorState, customer: Customer, subscription: Subscription) =>
  presentAs(
    "CustomerSubscription",
    { ...subscription, product: withOrganization(subscription.product, organizationOfCustomer(state, customer)) },
    state.clock.iso(),
  );

/** The portal's update shapes as the Core API's (`cancellation_*` are `customer_cancellation_*` there). */
function coreUpdate(body: PortalUpdate): CoreUpdate | null {
  if ("cancellation_reason" in body || "cancellation_comment" in body || "cancel_at_period_end" in body) {
    const cancel = body as Schema<"CustomerSubscriptionCancel">;
    if (cancel.cancel_at_period_end == null) return null;
    return {
      cancel_at_period_end: cancel.cancel_at_period_end,
      customer_cancellation_reason: cancel.cancellation_reason ?? null,
      customer_cancellation_comment: cancel.cancellation_comment ?? null,
    };
  }
  if ("product_id" in body) return { product_id: body.product_id };
  return body as CoreUpdate;
}

/** Applies a customer's change to one of their subscriptions; returns it as it is afterwards. */
export function changeSubscription(
  state: EmulatorState,
  customer: Customer,
  id: string,
  body: PortalUpdate,
): Subscription {
  const before = customerSubscription(state, customer, id);
  const update = coreUpdate(body);
  if (!update) return before;
  const after = updateSubscription(state, customer.organization_id, before, update);
  advance(state, after, state.clock.now().getTime());
  return customerSubscription(state, customer, id);
}

const SORT_KEYS = { product: (s: Subscription) => s.product.name };

export const subscriptionApiHandlers: OperationHandlers = {
  "customer_portal:subscriptions:list": ({ state, subject, query }) => {
    const customer = sessionCustomer(state, subject);
    const items = customerSubscriptions(state, customer).filter(
      (s) =>
        matches(query.product_id, s.product_id) &&
        (query.active == null || isActive(s) === query.active) &&
        matchesText(query.query, s.product.name),
    );
    const page = paginate(sortWith(items, query.sorting, ["-started_at"], SORT_KEYS), query);
    return { ...page, items: page.items.map((s) => presentSubscription(state, customer, s)) };
  },
  "customer_portal:subscriptions:get": ({ state, subject, params }) => {
    const customer = sessionCustomer(state, subject);
    return presentSubscription(state, customer, customerSubscription(state, customer, params.id as string));
  },
  // A member session needs a billing role for it (the spec's 403 "lacks billing permissions").
  "customer_portal:subscriptions:update": ({ state, subject, params, body }) => {
    const customer = billingCustomer(state, subject);
    return presentSubscription(state, customer, changeSubscription(state, customer, params.id as string, body));
  },
  // DELETE cancels at the end of the period (the Core API's DELETE revokes at once).
  "customer_portal:subscriptions:cancel": ({ state, subject, params }) => {
    const customer = billingCustomer(state, subject);
    const canceled = changeSubscription(state, customer, params.id as string, { cancel_at_period_end: true });
    return presentSubscription(state, customer, canceled);
  },
};
