// Meters (a filter over events and an aggregation), their quantities per time interval computed
// with SQL over the events table, and customer meters (consumed, credited, balance).
import type { Schema } from "@polar-kit/core";
import { bodyOrganization, organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { build } from "../../defaults";
import { invalid, notFound } from "../../errors";
import { derivedUuid, uuid } from "../../ids";
import { matches, matchesMetadata, paginate, sortBy } from "../../pagination";
import type { Doc } from "../../store";
import { eachPeriod, INTERVAL_LIMITS, type TimeInterval } from "../../zoned-time";
import { iso, owned, sent } from "../commerce/shared";
import { customerFilterSql, customerIndex, metadataFilterSql } from "./events";
import {
  type Aggregation,
  aggregationSql,
  and,
  checkFilterSize,
  type Filter,
  filterSql,
  outerAggregationSql,
  type Sql,
} from "./filter";

export const METER = "meter";

type Meter = Doc & {
  organization_id: string;
  name: string;
  filter: Filter;
  aggregation: Aggregation;
  archived_at: string | null;
  unit?: string;
  custom_label?: string | null;
  custom_multiplier?: number | null;
};

function checkCustomUnit(fields: { unit?: unknown; custom_label?: unknown; custom_multiplier?: unknown }) {
  if (fields.unit !== "custom") return;
  if (!fields.custom_label) throw invalid(["body", "custom_label"], "custom_label is required when unit is custom.");
  if (!fields.custom_multiplier) {
    throw invalid(["body", "custom_multiplier"], "custom_multiplier is required when unit is custom.");
  }
}

/** The aggregation as stored: `count` and `unique` get their `func` even when it was left out. */
function aggregationOf(input: Record<string, unknown>): Aggregation {
  if (input.func === undefined)
    return ("property" in input ? { func: "unique", ...input } : { func: "count" }) as never;
  return (input.func === "count" ? { func: "count" } : input) as Aggregation;
}

// ---- quantities ----------------------------------------------------------------------------------

const DAY = 86_400_000;

interface QuantitiesQuery {
  start_timestamp: string;
  end_timestamp: string;
  interval: TimeInterval;
  timezone?: string;
  customer_id?: unknown;
  external_customer_id?: unknown;
  metadata?: unknown;
  customer_aggregation_function?: string | null;
}

/**
 * The SQL selecting a meter's events of the organization, with the customer and metadata filters
 * (`customers`, when already read, saves reading them again).
 */
function meterEvents(
  state: EmulatorState,
  meter: Meter,
  query: Partial<QuantitiesQuery>,
  customers?: ReturnType<typeof customerIndex>,
): Sql {
  return and([
    { sql: "organization_id = ? AND source = 'user'", params: [meter.organization_id] },
    filterSql(meter.filter),
    ...customerFilterSql(state, meter.organization_id, query.customer_id, query.external_customer_id, customers),
    ...metadataFilterSql(query.metadata),
  ]);
}

/** The aggregate of a meter over `[from, to)`: one SQL statement, reused for each interval. */
function aggregator(state: EmulatorState, meter: Meter, query: Partial<QuantitiesQuery>) {
  const where = meterEvents(state, meter, query);
  const aggregate = aggregationSql(meter.aggregation);
  const perCustomer = query.customer_aggregation_function;
  const sql = perCustomer
    ? `SELECT ${outerAggregationSql(perCustomer, "q")} AS quantity FROM (
         SELECT ${aggregate.sql} AS q FROM usage_events
         WHERE ${where.sql} AND timestamp >= ? AND timestamp < ?
         GROUP BY COALESCE(customer_id, external_customer_id))`
    : `SELECT ${aggregate.sql} AS quantity FROM usage_events WHERE ${where.sql} AND timestamp >= ? AND timestamp < ?`;
  const statement = state.db.prepare(sql);
  return (from: number, to: number) =>
    Number(
      (statement.get(...aggregate.params, ...where.params, from, to) as { quantity: number | null }).quantity ?? 0,
    );
}

function quantities(state: EmulatorState, meter: Meter, query: QuantitiesQuery) {
  const start = new Date(query.start_timestamp).getTime();
  const end = new Date(query.end_timestamp).getTime();
  const timeZone = query.timezone ?? "UTC";
  if (start > end || (end - start) / DAY > INTERVAL_LIMITS[query.interval].max_days) {
    throw invalid(
      ["query"],
      "The interval is too small for the given date range. Please choose a larger interval.",
      "value_error",
    );
  }
  const aggregate = aggregator(state, meter, query);
  const out: { timestamp: string; quantity: number }[] = [];
  // `end` is inclusive: the periods run up to the millisecond after it.
  for (const { start: from, end: to } of eachPeriod(start, end + 1, query.interval, timeZone)) {
    out.push({ timestamp: iso(from), quantity: aggregate(Math.max(from, start), Math.min(to, end + 1)) });
  }
  const values = out.map((q) => q.quantity);
  const func = query.customer_aggregation_function ?? meter.aggregation.func;
  const total =
    func === "count" || func === "sum"
      ? values.reduce((a, b) => a + b, 0)
      : func === "max"
        ? Math.max(0, ...values)
        : func === "min"
          ? values.length
            ? Math.min(...values)
            : 0
          : aggregate(start, end + 1);
  return { quantities: out, total };
}

// ---- customer meters -----------------------------------------------------------------------------

// A customer's meter restarts at its last `meter.reset` system event (each subscription cycle):
// consumption counts user events from that instant on, credits the `meter.credited` events recorded
// after it (see system-events.ts).
const LAST_RESETS = `SELECT customer_id AS rcid, MAX(external_customer_id) AS rext, MAX(timestamp) AS rts, MAX(seq) AS rseq
  FROM usage_events WHERE organization_id = ? AND source = 'system' AND name = 'meter.reset'
    AND json_extract(metadata, '$.meter_id') = ? GROUP BY customer_id`;

/** Units credited to each customer since their last reset of the meter. */
function credits(state: EmulatorState, organizationId: string, meterId: string): Map<string, number> {
  const rows = state.db
    .prepare(
      `WITH resets AS (${LAST_RESETS})
       SELECT customer_id, SUM(json_extract(metadata, '$.units')) AS units FROM usage_events
       LEFT JOIN resets ON rcid = customer_id
       WHERE organization_id = ? AND source = 'system' AND name = 'meter.credited'
         AND json_extract(metadata, '$.meter_id') = ? AND seq > COALESCE(rseq, 0)
       GROUP BY customer_id`,
    )
    .all(organizationId, meterId, organizationId, meterId) as { customer_id: string; units: number }[];
  return new Map(rows.map((row) => [row.customer_id, Number(row.units)]));
}

/**
 * The customer meters of the organization: each (customer, meter) pair with events or credits,
 * optionally of one customer and/or one meter (the SQL then reads only their events).
 */
export function customerMeters(
  state: EmulatorState,
  organizationId: string,
  only: { customerId?: string; meterId?: string } = {},
) {
  const customers = customerIndex(state, organizationId);
  const out: Record<string, unknown>[] = [];
  const meters = state.store.all<Meter>(METER, { organizationId });
  for (const meter of only.meterId ? meters.filter((m) => m.id === only.meterId) : meters) {
    const where = meterEvents(state, meter, { customer_id: only.customerId }, customers);
    const aggregate = aggregationSql(meter.aggregation);
    // Events sent with only an external customer id still belong to that customer's reset.
    const rows = state.db
      .prepare(
        `WITH resets AS (${LAST_RESETS})
         SELECT customer_id, external_customer_id, ${aggregate.sql} AS consumed, MIN(timestamp) AS first, MAX(timestamp) AS last
         FROM usage_events LEFT JOIN resets ON (customer_id IS NOT NULL AND rcid = customer_id)
           OR (customer_id IS NULL AND rext = external_customer_id)
         WHERE ${where.sql} AND timestamp >= COALESCE(rts, 0)
         GROUP BY customer_id, external_customer_id`,
      )
      .all(organizationId, meter.id, ...aggregate.params, ...where.params) as {
      customer_id: string | null;
      external_customer_id: string | null;
      consumed: number;
      first: number;
      last: number;
    }[];
    const usage = new Map<string, { consumed: number; first: number; last: number }>();
    for (const row of rows) {
      const customer =
        (row.customer_id && customers.byId.get(row.customer_id)) ||
        (row.external_customer_id && customers.byExternal.get(row.external_customer_id)) ||
        undefined;
      if (!customer || customer.deleted_at) continue;
      const seen = usage.get(customer.id);
      usage.set(customer.id, {
        consumed: (seen?.consumed ?? 0) + row.consumed,
        first: Math.min(seen?.first ?? row.first, row.first),
        last: Math.max(seen?.last ?? row.last, row.last),
      });
    }
    const credited = credits(state, organizationId, meter.id);
    for (const customerId of new Set([...usage.keys(), ...credited.keys()])) {
      const customer = customers.byId.get(customerId);
      if (!customer || (only.customerId && customerId !== only.customerId)) continue;
      const used = usage.get(customerId);
      const consumed = used?.consumed ?? 0;
      const credit = credited.get(customerId) ?? 0;
      out.push(
        build("CustomerMeter", state.clock.iso(), {
          id: derivedUuid(customerId, meter.id),
          created_at: used ? iso(used.first) : meter.created_at,
          modified_at: used ? iso(used.last) : null,
          customer_id: customerId,
          meter_id: meter.id,
          consumed_units: consumed,
          credited_units: credit,
          balance: credit - consumed,
          customer,
          meter,
        }),
      );
    }
  }
  return out;
}

/** A customer's current balance on a meter (credited minus consumed since the last reset). */
export function meterBalance(
  state: EmulatorState,
  organizationId: string,
  customerId: string,
  meterId: string,
): number {
  const [found] = customerMeters(state, organizationId, { customerId, meterId });
  return Number(found?.balance ?? 0);
}

// ---- handlers ------------------------------------------------------------------------------------

/** Stores a new meter (input already validated against `MeterCreate`). */
export function createMeter(state: EmulatorState, organizationId: string, body: Schema<"MeterCreate">): Doc {
  const now = state.clock.iso();
  const meter = build("Meter", now, {
    id: uuid(),
    created_at: now,
    modified_at: null,
    metadata: { ...(body.metadata ?? {}) },
    name: body.name,
    unit: body.unit ?? "scalar",
    custom_label: body.custom_label ?? null,
    custom_multiplier: body.custom_multiplier ?? null,
    filter: body.filter,
    aggregation: aggregationOf(body.aggregation as Record<string, unknown>),
    organization_id: organizationId,
    archived_at: null,
  });
  return state.store.insert(METER, meter as Doc);
}

export const meterHandlers: OperationHandlers = {
  "meters:list": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const text = typeof query.query === "string" ? query.query.toLowerCase() : undefined;
    const meters = state.store
      .all<Meter>(METER, { organizationId })
      .filter(
        (meter) =>
          matches(query.organization_id, meter.organization_id) &&
          (query.is_archived == null || Boolean(meter.archived_at) === query.is_archived) &&
          (!text || meter.name.toLowerCase().includes(text)) &&
          matchesMetadata(query.metadata, meter.metadata as Record<string, unknown>),
      );
    return paginate(sortBy(meters, query.sorting, ["name"]), query);
  },
  "meters:create": ({ state, subject, body }) => {
    const organizationId = bodyOrganization(subject, body);
    checkCustomUnit(body);
    checkFilterSize(body.filter as Filter, ["body", "filter"]);
    return createMeter(state, organizationId, body as Schema<"MeterCreate">);
  },
  "meters:get": ({ state, subject, params }) =>
    owned<Meter>(state, METER, params.id as string, organizationOf(subject)),
  "meters:update": ({ state, subject, params, body }) => {
    const meter = owned<Meter>(state, METER, params.id as string, organizationOf(subject));
    const { is_archived, aggregation, ...changes } = sent(body ?? {});
    if (changes.filter) checkFilterSize(changes.filter as Filter, ["body", "filter"]);
    const now = state.clock.iso();
    const updated: Meter = {
      ...meter,
      ...(Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== null)) as Partial<Meter>),
      ...(aggregation && { aggregation: aggregationOf(aggregation as Record<string, unknown>) }),
      ...(is_archived != null && { archived_at: is_archived ? (meter.archived_at ?? now) : null }),
      modified_at: now,
    };
    checkCustomUnit(updated);
    return state.store.put(METER, updated);
  },
  "meters:quantities": ({ state, subject, params, query }) => {
    const meter = owned<Meter>(state, METER, params.id as string, organizationOf(subject));
    return quantities(state, meter, query as unknown as QuantitiesQuery);
  },
  "customer_meters:list": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const customers = customerIndex(state, organizationId);
    const externals = query.external_customer_id == null ? undefined : [query.external_customer_id].flat();
    const all = customerMeters(state, organizationId).filter(
      (cm) =>
        matches(query.customer_id, cm.customer_id) &&
        matches(query.meter_id, cm.meter_id) &&
        (!externals || externals.includes(customers.byId.get(cm.customer_id as string)?.external_id as string)),
    );
    return paginate(sortBy(all, query.sorting, ["-modified_at"]), query);
  },
  "customer_meters:get": ({ state, subject, params }) => {
    const found = customerMeters(state, organizationOf(subject)).find((cm) => cm.id === params.id);
    if (!found) throw notFound();
    return found;
  },
};
