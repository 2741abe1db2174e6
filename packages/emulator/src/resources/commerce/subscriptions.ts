import { organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { matches, matchesMetadata, paginate } from "../../pagination";
import { csvReply, inZone, money } from "./csv";
import { isActive } from "./customer-state";
import { discountAmount } from "./discounts";
import { type Discount, KIND, type Subscription, sortWith, within } from "./shared";
import { advance, getSubscription, present, revokeSubscription } from "./subscription-lifecycle";
import { updateSubscription } from "./subscription-update";

function listSubscriptions(state: EmulatorState, organizationId: string, query: Record<string, unknown>) {
  const externalIds = query.external_customer_id == null ? null : [query.external_customer_id].flat();
  return state.store
    .all<Subscription>(KIND.subscription, { organizationId })
    .map((s) => present(state, s))
    .filter(
      (s) =>
        matches(query.product_id, s.product_id) &&
        matches(query.customer_id, s.customer_id) &&
        (!externalIds || (s.customer.external_id != null && externalIds.includes(s.customer.external_id))) &&
        matches(query.discount_id, s.discount_id) &&
        (query.active == null || isActive(s) === query.active) &&
        matches(query.status, s.status) &&
        (query.cancel_at_period_end == null || s.cancel_at_period_end === query.cancel_at_period_end) &&
        matches(query.customer_cancellation_reason, s.customer_cancellation_reason) &&
        within(s.canceled_at, query.canceled_at_after, query.canceled_at_before) &&
        within(s.started_at, query.started_after, query.started_before) &&
        matchesMetadata(query.metadata, s.metadata),
    );
}

const SORT_KEYS = {
  customer: (s: Subscription) => s.customer.email,
  product: (s: Subscription) => s.product.name,
  discount: (s: Subscription) => s.discount?.name ?? null,
};

const EXPORT_HEADERS: Record<string, string> = {
  email: "Email",
  started_at: "Started At",
  product: "Product",
  amount: "Amount",
  currency: "Currency",
  status: "Status",
  recurring_interval: "Billing Interval",
  customer_name: "Customer Name",
  billing_name: "Billing Name",
  billing_country: "Billing Country",
  net_amount: "Net Amount",
  discount: "Discount",
  seats: "Seats",
  current_period_start: "Current Period Start",
  current_period_end: "Current Period End",
  cancel_at_period_end: "Cancels At Period End",
  canceled_at: "Canceled At",
  ends_at: "Ends At",
  ended_at: "Ended At",
  cancellation_reason: "Cancellation Reason",
  trial_start: "Trial Start",
  trial_end: "Trial End",
};
const EXPORT_DEFAULT = ["email", "started_at", "product", "amount", "currency", "status", "recurring_interval"];

function exportRow(state: EmulatorState, s: Subscription, tz: unknown): Record<string, string | number | null> {
  const discount = s.discount_id ? state.store.find<Discount>(KIND.discount, s.discount_id) : undefined;
  const net = s.amount - (discount ? discountAmount(discount, s.amount, s.currency) : 0);
  return {
    email: s.customer.email ?? null,
    started_at: inZone(s.started_at, tz),
    product: s.product.name,
    amount: money(s.amount),
    currency: s.currency,
    status: s.status,
    recurring_interval:
      s.recurring_interval_count === 1
        ? s.recurring_interval
        : `${s.recurring_interval_count} ${s.recurring_interval}s`,
    customer_name: s.customer.name,
    billing_name: s.customer.billing_name,
    billing_country: s.customer.billing_address?.country ?? null,
    net_amount: money(net),
    discount: s.discount ? (s.discount.code ?? s.discount.name) : null,
    seats: s.seats ?? null,
    current_period_start: inZone(s.current_period_start, tz),
    current_period_end: inZone(s.current_period_end, tz),
    cancel_at_period_end: s.cancel_at_period_end ? "true" : "false",
    canceled_at: inZone(s.canceled_at, tz),
    ends_at: inZone(s.ends_at, tz),
    ended_at: inZone(s.ended_at, tz),
    cancellation_reason: s.customer_cancellation_reason,
    trial_start: inZone(s.trial_start, tz),
    trial_end: inZone(s.trial_end, tz),
  };
}

export const subscriptionHandlers: OperationHandlers = {
  "subscriptions:list": ({ state, subject, query }) => {
    const items = listSubscriptions(state, organizationOf(subject), query);
    return paginate(sortWith(items, query.sorting, ["-started_at"], SORT_KEYS), query);
  },
  "subscriptions:get": ({ state, subject, params }) =>
    present(state, getSubscription(state, organizationOf(subject), params.id as string)),
  "subscriptions:update": ({ state, subject, params, body }) => {
    const organizationId = organizationOf(subject);
    const before = getSubscription(state, organizationId, params.id as string);
    const after = updateSubscription(state, organizationId, before, body);
    // Ending a trial "now" makes the first paid cycle due at once.
    advance(state, after, state.clock.now().getTime());
    return present(state, getSubscription(state, organizationId, after.id));
  },
  "subscriptions:revoke": ({ state, subject, params }) => {
    const before = getSubscription(state, organizationOf(subject), params.id as string);
    return present(state, revokeSubscription(state, before, {}));
  },
  "subscriptions:export": ({ state, subject, query }) => {
    const columns = query.columns == null ? EXPORT_DEFAULT : [query.columns].flat().map(String);
    const items = sortWith(listSubscriptions(state, organizationOf(subject), query), null, ["-started_at"], SORT_KEYS);
    const rows = items.map((s) => {
      const row = exportRow(state, s, query.timezone);
      return columns.map((column) => row[column]);
    });
    return csvReply([columns.map((c) => EXPORT_HEADERS[c] ?? c), ...rows], "polar-subscriptions.csv");
  },
};
