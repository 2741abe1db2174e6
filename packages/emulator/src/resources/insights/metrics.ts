// `GET /v1/metrics/`, its CSV export and its limits: metrics computed from the emulator's records.
import { organizationOf, type Subject } from "../../auth";
import type { OperationHandlers } from "../../context";
import { invalid } from "../../errors";
import { list } from "../../pagination";
import { INTERVAL_LIMITS, type TimeInterval } from "../../zoned-time";
import { csvReply } from "../commerce/csv";
import { type ComputedMetrics, computeMetrics } from "./compute";
import { METRIC_SLUGS, METRICS } from "./definitions";

const MIN_DATE = "2023-01-01";

const DAY_MS = 86_400_000;

interface MetricsQuery {
  start_date: string;
  end_date: string;
  interval: TimeInterval;
  timezone?: string;
  organization_id?: unknown;
  product_id?: unknown;
  billing_type?: unknown;
  customer_id?: unknown;
  metrics?: unknown;
}

/** The requested metric slugs (all of them by default); unknown ones are a 422. */
function selectedSlugs(query: MetricsQuery): string[] {
  const wanted = list(query.metrics);
  if (!wanted.length) return METRICS.map((m) => m.slug);
  const unknown = wanted.filter((slug) => !METRIC_SLUGS.has(slug));
  if (unknown.length) {
    throw invalid(["query", "metrics"], `Invalid metric slugs: ${unknown.join(", ")}`, "value_error", wanted);
  }
  return METRICS.map((m) => m.slug).filter((slug) => wanted.includes(slug));
}

/** Refuses a reversed range, or one longer than the interval allows, as the API does (422 at `query`). */
function checkRange(query: MetricsQuery): void {
  const days = (Date.parse(query.end_date) - Date.parse(query.start_date)) / DAY_MS;
  if (days < 0 || days > INTERVAL_LIMITS[query.interval].max_days) {
    throw invalid(
      ["query"],
      "The interval is too small for the given date range. Try to change the interval or reduce the date range.",
      "value_error",
      [query.start_date, query.end_date, query.interval],
    );
  }
}

function compute(subject: Subject, state: Parameters<typeof computeMetrics>[0], query: MetricsQuery) {
  const organizationId = organizationOf(subject);
  checkRange(query);
  const slugs = selectedSlugs(query);
  const organizations = list(query.organization_id);
  const computed = computeMetrics(state, {
    startDate: query.start_date,
    endDate: query.end_date,
    interval: query.interval,
    timezone: query.timezone ?? "UTC",
    filters: {
      organizationId,
      readable: !organizations.length || organizations.includes(organizationId),
      productIds: list(query.product_id),
      customerIds: list(query.customer_id),
      billingTypes: list(query.billing_type),
    },
  });
  return { computed, slugs };
}

const pick = (row: Record<string, number>, slugs: string[]) =>
  Object.fromEntries(slugs.map((slug) => [slug, row[slug] ?? 0]));

/** The `MetricsResponse` body: only the requested metrics, in periods, totals and descriptions. */
function response({ periods, values, totals }: ComputedMetrics, slugs: string[]) {
  const chosen = METRICS.filter((m) => slugs.includes(m.slug));
  return {
    periods: periods.map((period, index) => ({
      timestamp: period.timestamp,
      ...pick(values[index] as Record<string, number>, slugs),
    })),
    totals: pick(totals, slugs),
    metrics: Object.fromEntries(
      chosen.map((m) => [m.slug, { slug: m.slug, display_name: m.display_name, type: m.type }]),
    ),
  };
}

export const metricHandlers: OperationHandlers = {
  "metrics:get": ({ state, subject, query }) => {
    const { computed, slugs } = compute(subject, state, query as MetricsQuery);
    return response(computed, slugs);
  },
  // One row per period: its timestamp, then one column per metric (currency values in cents).
  "metrics:export": ({ state, subject, query }) => {
    const { computed, slugs } = compute(subject, state, query as MetricsQuery);
    const rows = computed.periods.map((period, index) => [
      period.timestamp,
      ...slugs.map((slug) => computed.values[index]?.[slug] ?? 0),
    ]);
    return csvReply([["timestamp", ...slugs], ...rows], "polar-metrics.csv");
  },
  "metrics:limits": ({ subject }) => {
    organizationOf(subject);
    return { min_date: MIN_DATE, intervals: INTERVAL_LIMITS };
  },
};
