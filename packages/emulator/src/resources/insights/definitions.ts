// The metric slugs of the spec's `Metrics` schema, each with its display name and unit.
import type { Schema } from "@polar-kit/core";

export type MetricType = Schema<"MetricType">;

/** How a metric sums up over the whole range (`totals`). */
export type Total = "sum" | "last" | "ratio";

export interface MetricDefinition {
  slug: string;
  display_name: string;
  type: MetricType;
  total: Total;
}

const metric = (slug: string, display_name: string, type: MetricType, total: Total): MetricDefinition => ({
  slug,
  display_name,
  type,
  total,
});

const CANCELLATION_REASONS = [
  ["customer_service", "Customer Service"],
  ["low_quality", "Low Quality"],
  ["missing_features", "Missing Features"],
  ["switched_service", "Switched Service"],
  ["too_complex", "Too Complex"],
  ["too_expensive", "Too Expensive"],
  ["unused", "Unused"],
  ["other", "Other"],
] as const;

/** The cancellation reasons the `canceled_subscriptions_<reason>` metrics count. */
export const CANCELLATION_REASON_SLUGS = CANCELLATION_REASONS.map(([reason]) => reason);

/** Every metric, in the spec's order; display names are the API's. */
export const METRICS: MetricDefinition[] = [
  metric("active_subscriptions", "Active Subscriptions", "scalar", "last"),
  metric("committed_subscriptions", "Committed Subscriptions", "scalar", "last"),
  metric("monthly_recurring_revenue", "Monthly Recurring Revenue", "currency", "last"),
  metric("trial_monthly_recurring_revenue", "Trial Monthly Recurring Revenue", "currency", "last"),
  metric("committed_monthly_recurring_revenue", "Committed Monthly Recurring Revenue", "currency", "last"),
  metric("trial_committed_monthly_recurring_revenue", "Trial Committed Monthly Recurring Revenue", "currency", "last"),
  metric("average_revenue_per_user", "Average Revenue Per User", "currency", "last"),
  metric("checkouts", "Checkouts", "scalar", "sum"),
  metric("succeeded_checkouts", "Succeeded Checkouts", "scalar", "sum"),
  metric("churned_subscriptions", "Churned Subscriptions", "scalar", "sum"),
  metric("churn_rate", "Churn Rate", "percentage", "last"),
  metric("seats_total", "Total Seats", "scalar", "last"),
  metric("seats_claimed", "Claimed Seats", "scalar", "last"),
  metric("seats_pending", "Pending Seats", "scalar", "last"),
  metric("seat_customers", "Seat Customers", "scalar", "last"),
  metric("new_seat_customers", "New Seat Customers", "scalar", "sum"),
  metric("churned_seat_customers", "Churned Seat Customers", "scalar", "sum"),
  metric("orders", "Orders", "scalar", "sum"),
  metric("revenue", "Revenue", "currency", "sum"),
  metric("net_revenue", "Net Revenue", "currency", "sum"),
  metric("cumulative_revenue", "Cumulative Revenue", "currency", "last"),
  metric("net_cumulative_revenue", "Net Cumulative Revenue", "currency", "last"),
  metric("costs", "Costs", "currency_sub_cent", "sum"),
  metric("cumulative_costs", "Cumulative Costs", "currency_sub_cent", "last"),
  metric("average_order_value", "Average Order Value", "currency", "ratio"),
  metric("net_average_order_value", "Net Average Order Value", "currency", "ratio"),
  metric("cost_per_user", "Cost Per User", "currency_sub_cent", "ratio"),
  metric("active_user_by_event", "Active User (By event)", "scalar", "ratio"),
  metric("one_time_products", "One-Time Products", "scalar", "sum"),
  metric("one_time_products_revenue", "One-Time Products Revenue", "currency", "sum"),
  metric("one_time_products_net_revenue", "One-Time Products Net Revenue", "currency", "sum"),
  metric("new_subscriptions", "New Subscriptions", "scalar", "sum"),
  metric("new_subscriptions_revenue", "New Subscriptions Revenue", "currency", "sum"),
  metric("new_subscriptions_net_revenue", "New Subscriptions Net Revenue", "currency", "sum"),
  metric("renewed_subscriptions", "Renewed Subscriptions", "scalar", "sum"),
  metric("renewed_subscriptions_revenue", "Renewed Subscriptions Revenue", "currency", "sum"),
  metric("renewed_subscriptions_net_revenue", "Renewed Subscriptions Net Revenue", "currency", "sum"),
  metric("canceled_subscriptions", "Canceled Subscriptions", "scalar", "sum"),
  ...CANCELLATION_REASONS.map(([reason, label]) =>
    metric(`canceled_subscriptions_${reason}`, `Canceled Subscriptions - ${label}`, "scalar", "sum"),
  ),
  metric("annual_recurring_revenue", "Annual Recurring Revenue", "currency", "last"),
  metric("committed_annual_recurring_revenue", "Committed Annual Recurring Revenue", "currency", "last"),
  metric("checkouts_conversion", "Checkouts Conversion Rate", "percentage", "ratio"),
  metric("ltv", "Lifetime Value", "currency", "last"),
  metric("gross_margin", "Gross Margin", "currency", "last"),
  metric("gross_margin_percentage", "Gross Margin %", "percentage", "last"),
  metric("cashflow", "Cashflow", "currency", "sum"),
  metric("average_seats_per_customer", "Average Seats Per Customer", "scalar", "last"),
  metric("seat_utilization_rate", "Seat Utilization Rate", "percentage", "last"),
];

export const METRIC_SLUGS = new Set(METRICS.map((m) => m.slug));
