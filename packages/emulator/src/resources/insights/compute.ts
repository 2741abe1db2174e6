// Turns the raw measures of each period into the API's metrics, and the metrics into totals.
import type { EmulatorState } from "../../context";
import { METRICS, type MetricDefinition } from "./definitions";
import { type Period, periodStartOf, periodsBetween, type TimeInterval } from "./periods";
import {
  checkoutMeasures,
  eventMeasures,
  type MetricFilters,
  orderMeasures,
  type Row,
  seatMeasures,
  subscriptionMeasures,
} from "./sources";

export interface MetricsRequest {
  startDate: string;
  endDate: string;
  interval: TimeInterval;
  timezone: string;
  filters: MetricFilters;
}

export interface ComputedMetrics {
  periods: Period[];
  /** One row per period, every metric slug set. */
  values: Row[];
  totals: Row;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
const last = (rows: Row[], slug: string) => rows.at(-1)?.[slug] ?? 0;
const sum = (rows: Row[], slug: string) => rows.reduce((total, row) => total + (row[slug] ?? 0), 0);

/** The metrics of one period, from its measures and the running totals before it. */
function periodValues(measures: Row, running: { revenue: number; netRevenue: number; costs: number }): Row {
  const m = (slug: string) => measures[slug] ?? 0;
  const v: Row = { ...measures };
  v.average_order_value = m("orders") ? Math.ceil(ratio(m("revenue"), m("orders"))) : 0;
  v.net_average_order_value = m("orders") ? Math.ceil(ratio(m("net_revenue"), m("orders"))) : 0;
  v.cumulative_revenue = running.revenue;
  v.net_cumulative_revenue = running.netRevenue;
  v.cumulative_costs = running.costs;
  v.annual_recurring_revenue = m("monthly_recurring_revenue") * 12;
  v.committed_annual_recurring_revenue = m("committed_monthly_recurring_revenue") * 12;
  const arpu = Math.round(ratio(m("monthly_recurring_revenue"), m("subscribers")));
  const churnRate = ratio(m("churned_subscriptions"), m("active_at_start"));
  const costPerUser = ratio(m("costs"), m("active_user_by_event"));
  v.average_revenue_per_user = arpu;
  v.checkouts_conversion = ratio(m("succeeded_checkouts"), m("checkouts"));
  v.churn_rate = churnRate;
  v.cost_per_user = costPerUser;
  v.cashflow = m("revenue") - m("costs");
  v.gross_margin = running.revenue - running.costs;
  v.gross_margin_percentage = ratio(running.revenue - running.costs, running.revenue);
  // Lifetime value: what a customer brings, net of costs, over the expected subscription life.
  v.ltv = churnRate ? Math.max(0, Math.trunc((arpu - costPerUser) / churnRate)) : 0;
  v.average_seats_per_customer = ratio(m("seats_total"), m("seat_customers"));
  v.seat_utilization_rate = ratio(m("seats_claimed"), m("seats_total"));
  return v;
}

/** A metric over the whole range: summed, last value, or the ratio of the summed parts. */
function total(metric: MetricDefinition, values: Row[], users: number): number {
  switch (metric.slug) {
    case "average_order_value":
      return ratio(sum(values, "revenue"), sum(values, "orders"));
    case "net_average_order_value":
      return ratio(sum(values, "net_revenue"), sum(values, "orders"));
    case "checkouts_conversion":
      return ratio(sum(values, "succeeded_checkouts"), sum(values, "checkouts"));
    case "active_user_by_event":
      return users;
    case "cost_per_user":
      return ratio(sum(values, "costs"), users);
  }
  return metric.total === "sum" ? sum(values, metric.slug) : last(values, metric.slug);
}

/** Computes every metric for every period of the request, and the totals. */
export function computeMetrics(state: EmulatorState, request: MetricsRequest): ComputedMetrics {
  const { periods, from, to } = periodsBetween(request.startDate, request.endDate, request.interval, request.timezone);
  const now = state.clock.now().getTime();
  const clock = { now, nowPeriodStart: periodStartOf(now, request.interval, request.timezone) };
  const orders = orderMeasures(state, request.filters, periods, from);
  const subscriptions = subscriptionMeasures(state, request.filters, periods, clock);
  const checkouts = checkoutMeasures(state, request.filters, periods);
  const events = eventMeasures(state, request.filters, periods, { from, to });
  const seats = seatMeasures(state, request.filters, periods);

  const running = {
    revenue: orders.before.revenue ?? 0,
    netRevenue: orders.before.net_revenue ?? 0,
    costs: events.costsBefore,
  };
  const values = periods.map((_, index) => {
    const measures = {
      ...orders.rows[index],
      ...subscriptions[index],
      ...checkouts[index],
      ...events.rows[index],
      ...seats[index],
    } as Row;
    running.revenue += measures.revenue ?? 0;
    running.netRevenue += measures.net_revenue ?? 0;
    running.costs += measures.costs ?? 0;
    return periodValues(measures, running);
  });
  const totals = Object.fromEntries(METRICS.map((metric) => [metric.slug, total(metric, values, events.users)]));
  return { periods, values, totals };
}
