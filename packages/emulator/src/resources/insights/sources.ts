// The metrics' raw measures, aggregated per period in SQL over the emulator's own records: the
// document store's orders, subscriptions and checkouts, and the usage events table.
import type { EmulatorState } from "../../context";
import { customerFilterSql } from "../usage/events";
import { and, placeholders, type Sql } from "../usage/filter";
import { CANCELLATION_REASON_SLUGS } from "./definitions";
import type { Period } from "./periods";

/** Which records the metrics look at: the caller's organization, narrowed by the query's filters. */
export interface MetricFilters {
  organizationId: string;
  /** False when `organization_id` names only other organizations: nothing is readable then. */
  readable: boolean;
  productIds: string[];
  customerIds: string[];
  billingTypes: string[];
}

export type Row = Record<string, number>;

type Kind = "order" | "subscription" | "checkout";

/** An ISO timestamp of the document as epoch milliseconds (NULL stays NULL). */
const at = (path: string) => `CAST(round(unixepoch(${path}, 'subsec') * 1000) AS INTEGER)`;
const field = (name: string) => at(`r.data ->> '$.${name}'`);

// Subscriptions are always recurring; orders and checkouts follow their product.
const RECURRING: Record<Kind, string> = {
  order: "COALESCE(r.data ->> '$.product.is_recurring', 0)",
  subscription: "1",
  checkout: "COALESCE(r.data ->> '$.product.is_recurring', 0)",
};

/** The WHERE clause selecting the readable documents of a kind. */
function documents(kind: Kind, filters: MetricFilters): Sql {
  const parts: Sql[] = [{ sql: "r.kind = ? AND r.organization_id = ?", params: [kind, filters.organizationId] }];
  if (!filters.readable) parts.push({ sql: "0", params: [] });
  if (filters.productIds.length) {
    parts.push({
      sql: `r.data ->> '$.product_id' IN (${placeholders(filters.productIds)})`,
      params: filters.productIds,
    });
  }
  if (filters.customerIds.length) {
    parts.push({ sql: `r.customer_id IN (${placeholders(filters.customerIds)})`, params: filters.customerIds });
  }
  const types = new Set(filters.billingTypes);
  if (types.size === 1) {
    parts.push({ sql: `${RECURRING[kind]} = ${types.has("recurring") ? 1 : 0}`, params: [] });
  }
  return and(parts);
}

// The periods as a table: whole bounds (s, e) and the bounds cut to the requested dates (f, t).
const PERIODS = `p(idx, s, e, f, t) AS (
  SELECT CAST(key AS INTEGER), value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?))`;

const periodsParam = (periods: Period[]) => JSON.stringify(periods.map((p) => [p.start, p.end, p.from, p.to]));

function perPeriod(state: EmulatorState, sql: string, params: unknown[]): Row[] {
  return state.db.prepare(sql).all(...params) as Row[];
}

/** Paid orders (paid, partially or fully refunded) per period, and the revenue before the first one. */
export function orderMeasures(state: EmulatorState, filters: MetricFilters, periods: Period[], from: number) {
  const where = documents("order", filters);
  const orders = `o AS (
    SELECT ${field("created_at")} AS at,
      r.data ->> '$.net_amount' AS net,
      (r.data ->> '$.net_amount') - (r.data ->> '$.refunded_amount')
        - COALESCE(r.data ->> '$.platform_fee_amount', 0) AS payout,
      r.data ->> '$.subscription_id' AS subscription,
      r.data ->> '$.billing_reason' AS reason
    FROM resources r
    WHERE ${where.sql} AND r.data ->> '$.status' IN ('paid', 'refunded', 'partially_refunded'))`;
  const rows = perPeriod(
    state,
    `WITH ${PERIODS}, ${orders}
     SELECT p.idx,
       COUNT(o.at) AS orders,
       COALESCE(SUM(o.net), 0) AS revenue,
       COALESCE(SUM(o.payout), 0) AS net_revenue,
       COUNT(o.at) FILTER (WHERE o.subscription IS NULL) AS one_time_products,
       COALESCE(SUM(o.net) FILTER (WHERE o.subscription IS NULL), 0) AS one_time_products_revenue,
       COALESCE(SUM(o.payout) FILTER (WHERE o.subscription IS NULL), 0) AS one_time_products_net_revenue,
       COALESCE(SUM(o.net) FILTER (WHERE o.reason = 'subscription_create'), 0) AS new_subscriptions_revenue,
       COALESCE(SUM(o.payout) FILTER (WHERE o.reason = 'subscription_create'), 0) AS new_subscriptions_net_revenue,
       COUNT(DISTINCT o.subscription) FILTER (WHERE o.reason = 'subscription_cycle') AS renewed_subscriptions,
       COALESCE(SUM(o.net) FILTER (WHERE o.reason = 'subscription_cycle'), 0) AS renewed_subscriptions_revenue,
       COALESCE(SUM(o.payout) FILTER (WHERE o.reason = 'subscription_cycle'), 0) AS renewed_subscriptions_net_revenue
     FROM p LEFT JOIN o ON o.at >= p.f AND o.at < p.t
     GROUP BY p.idx ORDER BY p.idx`,
    [periodsParam(periods), ...where.params],
  );
  const before = state.db
    .prepare(
      `WITH ${orders} SELECT COALESCE(SUM(net), 0) AS revenue, COALESCE(SUM(payout), 0) AS net_revenue FROM o WHERE at < ?`,
    )
    .get(...where.params, from) as Row;
  return { rows, before };
}

/**
 * Subscriptions per period: the ones active at the period (started before its end, not ended
 * before its end), split by trial and commitment, and the starts, cancellations and ends in it.
 */
export function subscriptionMeasures(
  state: EmulatorState,
  filters: MetricFilters,
  periods: Period[],
  clock: { now: number; nowPeriodStart: number },
): Row[] {
  const where = documents("subscription", filters);
  const active = "(s.started < p.e AND (s.ending IS NULL OR s.ending >= p.e))";
  const activeAtStart = "(s.started < p.s AND (s.ending IS NULL OR s.ending >= p.s))";
  const inTrial = "(s.trial_end IS NOT NULL AND s.trial_end >= p.e)";
  const notInTrial = `NOT ${inTrial}`;
  // Committed: not scheduled to end from the current period on (the API's `_not_ended_as_of(now)`).
  const committed = `(s.ending IS NULL OR s.ending < ${Math.trunc(clock.nowPeriodStart)})`;
  const started = "(s.started >= p.f AND s.started < p.t)";
  const churned = `(s.ending >= p.f AND s.ending < p.t AND s.ending <= ${Math.trunc(clock.now)})`;
  const canceled = "(s.canceled >= p.f AND s.canceled < p.t)";
  const seat = "(s.seats IS NOT NULL)";
  const reasons = CANCELLATION_REASON_SLUGS.map(
    (reason) => `COUNT(*) FILTER (WHERE ${canceled} AND s.reason = '${reason}') AS canceled_subscriptions_${reason}`,
  ).join(",\n       ");
  return perPeriod(
    state,
    `WITH ${PERIODS},
     s AS (
       SELECT ${field("started_at")} AS started,
         ${at("COALESCE(r.data ->> '$.ended_at', r.data ->> '$.ends_at')")} AS ending,
         ${field("canceled_at")} AS canceled,
         ${field("trial_end")} AS trial_end,
         r.customer_id AS customer,
         r.data ->> '$.seats' AS seats,
         r.data ->> '$.customer_cancellation_reason' AS reason,
         -- The amount of one month of the subscription, whatever its billing interval.
         (r.data ->> '$.amount') * 1.0 / COALESCE(r.data ->> '$.recurring_interval_count', 1) *
           CASE r.data ->> '$.recurring_interval'
             WHEN 'year' THEN 1.0 / 12 WHEN 'week' THEN 52.0 / 12 WHEN 'day' THEN 365.0 / 12 ELSE 1 END AS monthly
       FROM resources r
       WHERE ${where.sql} AND r.data ->> '$.started_at' IS NOT NULL)
     SELECT p.idx,
       COUNT(*) FILTER (WHERE ${active}) AS active_subscriptions,
       COUNT(*) FILTER (WHERE ${active} AND ${committed}) AS committed_subscriptions,
       COALESCE(round(SUM(s.monthly) FILTER (WHERE ${active} AND ${notInTrial})), 0) AS monthly_recurring_revenue,
       COALESCE(round(SUM(s.monthly) FILTER (WHERE ${active} AND ${notInTrial} AND ${committed})), 0)
         AS committed_monthly_recurring_revenue,
       COALESCE(round(SUM(s.monthly) FILTER (WHERE ${active} AND ${inTrial})), 0) AS trial_monthly_recurring_revenue,
       COALESCE(round(SUM(s.monthly) FILTER (WHERE ${active} AND ${inTrial} AND ${committed})), 0)
         AS trial_committed_monthly_recurring_revenue,
       COUNT(DISTINCT s.customer) FILTER (WHERE ${active}) AS subscribers,
       COUNT(*) FILTER (WHERE ${activeAtStart}) AS active_at_start,
       COUNT(*) FILTER (WHERE ${started}) AS new_subscriptions,
       COUNT(*) FILTER (WHERE ${churned}) AS churned_subscriptions,
       COUNT(*) FILTER (WHERE ${canceled}) AS canceled_subscriptions,
       ${reasons},
       COALESCE(SUM(s.seats) FILTER (WHERE ${active} AND ${seat}), 0) AS seats_total,
       COUNT(DISTINCT s.customer) FILTER (WHERE ${active} AND ${seat}) AS seat_customers,
       COUNT(DISTINCT s.customer) FILTER (WHERE ${started} AND ${seat}) AS new_seat_customers,
       COUNT(DISTINCT s.customer) FILTER (WHERE ${churned} AND ${seat}) AS churned_seat_customers
     FROM p LEFT JOIN s ON 1
     GROUP BY p.idx ORDER BY p.idx`,
    [periodsParam(periods), ...where.params],
  );
}

/** Checkout sessions opened per period, and how many of them succeeded. */
export function checkoutMeasures(state: EmulatorState, filters: MetricFilters, periods: Period[]): Row[] {
  const where = documents("checkout", filters);
  return perPeriod(
    state,
    `WITH ${PERIODS},
     c AS (SELECT ${field("created_at")} AS at, r.data ->> '$.status' AS status FROM resources r WHERE ${where.sql})
     SELECT p.idx,
       COUNT(c.at) AS checkouts,
       COUNT(c.at) FILTER (WHERE c.status = 'succeeded') AS succeeded_checkouts
     FROM p LEFT JOIN c ON c.at >= p.f AND c.at < p.t
     GROUP BY p.idx ORDER BY p.idx`,
    [periodsParam(periods), ...where.params],
  );
}

/**
 * Usage events per period: the costs they carry (`_cost.amount`, in cents) and the customers who
 * sent them; plus the costs before the first period and the distinct customers over the range.
 */
export function eventMeasures(
  state: EmulatorState,
  filters: MetricFilters,
  periods: Period[],
  range: { from: number; to: number },
) {
  const customers = customerFilterSql(state, filters.organizationId, filters.customerIds, undefined);
  const conditions = [
    "organization_id = ?",
    "source = 'user'",
    ...(filters.readable ? [] : ["0"]),
    ...customers.map((c) => c.sql),
  ];
  const params = [filters.organizationId, ...customers.flatMap((c) => c.params)];
  const events = `ev AS (
    SELECT timestamp AS at,
      COALESCE(CAST(json_extract(metadata, '$._cost.amount') AS REAL), 0) AS cost,
      COALESCE(customer_id, 'external:' || external_customer_id) AS user
    FROM usage_events WHERE ${conditions.join(" AND ")})`;
  const rows = perPeriod(
    state,
    `WITH ${PERIODS}, ${events}
     SELECT p.idx, TOTAL(ev.cost) AS costs, COUNT(DISTINCT ev.user) AS active_user_by_event
     FROM p LEFT JOIN ev ON ev.at >= p.f AND ev.at < p.t
     GROUP BY p.idx ORDER BY p.idx`,
    [periodsParam(periods), ...params],
  );
  const summary = state.db
    .prepare(
      `WITH ${events}
       SELECT TOTAL(cost) FILTER (WHERE at < ?) AS costs_before,
         COUNT(DISTINCT user) FILTER (WHERE at >= ? AND at < ?) AS users
       FROM ev`,
    )
    .get(...params, range.from, range.from, range.to) as Row;
  return { rows, costsBefore: summary.costs_before ?? 0, users: summary.users ?? 0 };
}

/**
 * Customer seats per period: claimed ones (claimed before the period's end) and pending invitations
 * (assigned before its end), of the readable subscriptions and orders. A seat's history is not
 * kept, so a seat counts by its current status (revoked seats count nowhere).
 */
export function seatMeasures(state: EmulatorState, filters: MetricFilters, periods: Period[]): Row[] {
  const subscriptions = documents("subscription", filters);
  const orders = documents("order", filters);
  return perPeriod(
    state,
    `WITH ${PERIODS},
     seat AS (
       SELECT st.data ->> '$.status' AS status,
         ${at("st.data ->> '$.claimed_at'")} AS claimed,
         ${at("st.data ->> '$.created_at'")} AS assigned
       FROM resources st
       WHERE st.kind = 'customer_seat' AND st.organization_id = ?
         AND (st.data ->> '$.subscription_id' IN (SELECT r.id FROM resources r WHERE ${subscriptions.sql})
           OR st.data ->> '$.order_id' IN (SELECT r.id FROM resources r WHERE ${orders.sql})))
     SELECT p.idx,
       COUNT(*) FILTER (WHERE seat.status = 'claimed' AND seat.claimed < p.e) AS seats_claimed,
       COUNT(*) FILTER (WHERE seat.status = 'pending' AND seat.assigned < p.e) AS seats_pending
     FROM p LEFT JOIN seat ON 1
     GROUP BY p.idx ORDER BY p.idx`,
    [periodsParam(periods), filters.organizationId, ...subscriptions.params, ...orders.params],
  );
}
