// Usage events: kept in their own table (high volume), ingested in batches with one prepared
// statement, de-duplicated on (organization, external_id); event names and event types are
// statistics over that table.
import { ORGANIZATION_TOKEN_MESSAGE, organizationOf, type Subject } from "../../auth";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../../body";
import type { EmulatorState, OperationHandlers } from "../../context";
import type { Db } from "../../db";
import { build } from "../../defaults";
import { invalid, notFound, validationFailure } from "../../errors";
import { uuid } from "../../ids";
import { list, pageInfo, pageWindow, paginate } from "../../pagination";
import type { Statement } from "../../sqlite";
import type { Doc } from "../../store";
import type { Issue } from "../../validate";
import { schemaValidator } from "../../validate";
import { iso, owned } from "../commerce/shared";
import { and, checkFilterSize, type Filter, filterSql, metadataPath, placeholders, type Sql } from "./filter";

const CUSTOMER = "customer";
const METER = "meter";
const EVENT_TYPE = "event_type";

/** One stored event, as the bulk insert takes it. */
export interface EventRow {
  id?: string;
  organization_id: string;
  customer_id: string | null;
  external_customer_id: string | null;
  name: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
  source?: "user" | "system";
  external_id?: string | null;
  parent_id?: string | null;
  metadata?: Record<string, unknown>;
}

interface StoredEvent {
  seq: number;
  id: string;
  organization_id: string;
  customer_id: string | null;
  external_customer_id: string | null;
  name: string;
  timestamp: number;
  source: string;
  external_id: string | null;
  parent_id: string | null;
  metadata: string;
  child_count?: number;
}

// Metadata is stored as JSONB (read without parsing by the meter queries); rows read it back as text.
const COLUMNS =
  "e.seq, e.id, e.organization_id, e.customer_id, e.external_customer_id, e.name, e.timestamp, e.source, e.external_id, e.parent_id, json(e.metadata) AS metadata";
const inserts = new WeakMap<Db, Statement>();

/** The insert statement of the events table (made by the migrations in `db.ts`), prepared once per database. */
function insertStatement(db: Db): Statement {
  let insert = inserts.get(db);
  if (!insert) {
    insert = db.prepare(
      `INSERT OR IGNORE INTO usage_events
         (id, organization_id, customer_id, external_customer_id, name, timestamp, source, external_id, parent_id, metadata)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, jsonb(?))`,
    );
    inserts.set(db, insert);
  }
  return insert;
}

/**
 * Inserts events in one transaction with one prepared statement; events whose `external_id` the
 * organization already has are skipped. Returns how many were inserted.
 */
export function bulkInsertEvents(db: Db, rows: Iterable<EventRow>): number {
  const insert = insertStatement(db);
  return db.transaction(() => {
    let inserted = 0;
    for (const row of rows) {
      inserted += insert.run(
        row.id ?? uuid(),
        row.organization_id,
        row.customer_id,
        row.external_customer_id,
        row.name,
        row.timestamp,
        row.source ?? "user",
        row.external_id ?? null,
        row.parent_id ?? null,
        JSON.stringify(row.metadata ?? {}),
      ).changes;
    }
    return inserted;
  });
}

type CustomerDoc = Doc & { organization_id: string; external_id: string | null; deleted_at: string | null };

/** The organization's customers by id and by external id. */
export function customerIndex(state: EmulatorState, organizationId: string) {
  const all = state.store.all<CustomerDoc>(CUSTOMER, { organizationId });
  const byId = new Map(all.map((c) => [c.id, c]));
  const byExternal = new Map(all.filter((c) => c.external_id && !c.deleted_at).map((c) => [c.external_id, c]));
  return { byId, byExternal };
}

type CustomerIndex = ReturnType<typeof customerIndex>;

/**
 * The SQL of the customer filters: a customer's events are those with its id and those sent with
 * its external id, whichever way the filter names it. `index` saves reading the customers again.
 */
export function customerFilterSql(
  state: EmulatorState,
  organizationId: string,
  customerIds: unknown,
  externalIds: unknown,
  index?: CustomerIndex,
): Sql[] {
  const out: Sql[] = [];
  const ids = list(customerIds);
  const externals = list(externalIds);
  if (!ids.length && !externals.length) return out;
  const customers = index ?? customerIndex(state, organizationId);
  if (ids.length) {
    const linked = ids.map((id) => customers.byId.get(id)?.external_id).filter((e): e is string => Boolean(e));
    out.push({
      sql: `(customer_id IN (${placeholders(ids)})${linked.length ? ` OR external_customer_id IN (${placeholders(linked)})` : ""})`,
      params: [...ids, ...linked],
    });
  }
  if (externals.length) {
    const linked = externals.map((e) => customers.byExternal.get(e)?.id).filter((id): id is string => Boolean(id));
    out.push({
      sql: `(external_customer_id IN (${placeholders(externals)})${linked.length ? ` OR customer_id IN (${placeholders(linked)})` : ""})`,
      params: [...externals, ...linked],
    });
  }
  return out;
}

/** The API's metadata query filter (`metadata[key]=value`, values compared as strings). */
export function metadataFilterSql(metadata: unknown): Sql[] {
  if (!metadata || typeof metadata !== "object") return [];
  return Object.entries(metadata as Record<string, unknown>).map(([key, wanted]) => {
    const values = list(wanted);
    const text =
      "(CASE json_type(metadata, ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(json_extract(metadata, ?) AS TEXT) END)";
    return {
      sql: `${text} IN (${placeholders(values)})`,
      params: [metadataPath(key), metadataPath(key), ...values],
    };
  });
}

type EventTypeDoc = Doc & { name: string; label: string; label_property_selector: string | null };
type Labels = Map<string, EventTypeDoc>;

/** The organization's event types by event name: where user events get their labels. */
const eventTypes = (state: EmulatorState, organizationId: string): Labels =>
  new Map(state.store.all<EventTypeDoc>(EVENT_TYPE, { organizationId }).map((type) => [type.name, type]));

/**
 * An event's label: the value its type's `label_property_selector` points at in the event's
 * metadata (`subject` or `metadata.subject`) when there is one, else the type's label.
 */
function labelOf(type: EventTypeDoc | undefined, name: string, metadata: Record<string, unknown>): string {
  if (!type) return name;
  const path = type.label_property_selector?.replace(/^metadata\./, "").split(".") ?? [];
  let value: unknown = path.length ? metadata : undefined;
  for (const key of path)
    value = value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === "string" || typeof value === "number" ? String(value) : type.label;
}

/** An event as the API returns it (`UserEvent` / `SystemEvent`), with its customer when known. */
function present(
  row: StoredEvent,
  customers: CustomerIndex,
  labels: Labels = new Map(),
): Record<string, unknown> & { id: string } {
  const metadata = JSON.parse(row.metadata) as Record<string, unknown>;
  const customer =
    (row.customer_id ? customers.byId.get(row.customer_id) : undefined) ??
    (row.external_customer_id ? customers.byExternal.get(row.external_customer_id) : undefined) ??
    null;
  return {
    id: row.id,
    timestamp: iso(row.timestamp),
    organization_id: row.organization_id,
    customer_id: customer?.id ?? row.customer_id,
    customer,
    external_customer_id: row.external_customer_id ?? customer?.external_id ?? null,
    member_id: null,
    external_member_id: null,
    child_count: row.child_count ?? 0,
    parent_id: row.parent_id,
    label: row.source === "user" ? labelOf(labels.get(row.name), row.name, metadata) : row.name,
    name: row.name,
    source: row.source,
    metadata,
  };
}

type EventInput = {
  name: string;
  timestamp?: string;
  organization_id?: string | null;
  external_id?: string | null;
  parent_id?: string | null;
  metadata?: Record<string, unknown>;
  customer_id?: string;
  external_customer_id?: string;
  member_id?: string | null;
  external_member_id?: string | null;
};

/** Metadata as stored: `_cost.amount` is kept as a decimal string, as the API returns it. */
function storedMetadata(metadata: Record<string, unknown> | undefined): Record<string, unknown> {
  const out = { ...(metadata ?? {}) };
  const cost = out._cost as { amount?: unknown } | undefined;
  if (cost && typeof cost.amount === "number") out._cost = { ...cost, amount: String(cost.amount) };
  return out;
}

function checkOrganization(subject: Subject, event: EventInput, index: number, issues: Issue[]): void {
  if (subject.type === "Organization" && event.organization_id != null) {
    issues.push({
      loc: ["body", "events", index, "organization_id"],
      msg: ORGANIZATION_TOKEN_MESSAGE,
      type: "organization_token",
      input: event.organization_id,
    });
  }
}

/** Registers an event type for each new user event name of the organization. */
function registerEventTypes(state: EmulatorState, organizationId: string, names: Set<string>): void {
  const known = new Set(state.store.all(EVENT_TYPE, { organizationId }).map((type) => type.name as string));
  const now = state.clock.iso();
  for (const name of names) {
    if (known.has(name)) continue;
    state.store.insert(EVENT_TYPE, {
      id: uuid(),
      created_at: now,
      modified_at: null,
      name,
      label: name,
      label_property_selector: null,
      organization_id: organizationId,
    });
  }
}

function ingest(state: EmulatorState, subject: Subject, events: EventInput[]) {
  const organizationId = organizationOf(subject);
  const known = new Map<string, boolean>();
  const exists = (id: string) => {
    let found = known.get(id);
    if (found === undefined) {
      const customer = state.store.find<CustomerDoc>(CUSTOMER, id);
      found = Boolean(customer && customer.organization_id === organizationId && !customer.deleted_at);
      known.set(id, found);
    }
    return found;
  };
  const now = state.clock.now().getTime();
  const issues: Issue[] = [];
  const rows: EventRow[] = [];
  const ids = new Map<string, string>();
  events.forEach((event, index) => {
    checkOrganization(subject, event, index, issues);
    if (event.customer_id !== undefined) {
      if (!exists(event.customer_id)) {
        issues.push({
          loc: ["body", "events", index, "customer_id"],
          msg: "Customer not found.",
          type: "customer_id",
          input: event.customer_id,
        });
      }
    }
    const timestamp = event.timestamp ? new Date(event.timestamp).getTime() : now;
    if (timestamp > now) {
      issues.push({
        loc: ["body", "events", index, "timestamp"],
        msg: "Timestamp must be in the past.",
        type: "value_error",
        input: event.timestamp,
      });
    }
    const id = uuid();
    if (event.external_id) ids.set(event.external_id, id);
    rows.push({
      id,
      organization_id: organizationId,
      customer_id: event.customer_id ?? null,
      external_customer_id: event.external_customer_id ?? null,
      name: event.name,
      timestamp,
      source: "user",
      external_id: event.external_id ?? null,
      parent_id: event.parent_id ?? null,
      metadata: storedMetadata(event.metadata),
    });
  });
  if (issues.length) throw validationFailure(issues);
  // A parent is a Polar event id or an external id, of this batch or of an earlier one.
  const findParent = state.db.prepare(
    "SELECT id FROM usage_events WHERE organization_id = ? AND (id = ? OR external_id = ?) LIMIT 1",
  );
  for (const row of rows) {
    if (!row.parent_id) continue;
    const parent =
      ids.get(row.parent_id) ??
      (findParent.get(organizationId, row.parent_id, row.parent_id) as { id: string } | undefined)?.id;
    row.parent_id = parent ?? null;
  }
  const inserted = bulkInsertEvents(state.db, rows);
  registerEventTypes(state, organizationId, new Set(rows.map((row) => row.name)));
  return { inserted, duplicates: events.length - inserted };
}

function parseFilter(text: string): Filter {
  let parsed: unknown;
  if (nestsDeeperThan(text)) {
    throw invalid(["query", "filter"], `Filter nested deeper than ${MAX_JSON_DEPTH} levels`, "json_invalid");
  }
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid(["query", "filter"], "Invalid JSON", "json_invalid", text);
  }
  if (!schemaValidator("Filter")(parsed)) throw invalid(["query", "filter"], "Invalid filter", "value_error", text);
  checkFilterSize(parsed as Filter, ["query", "filter"]);
  return parsed as Filter;
}

/**
 * The events at most `depth` levels below the anchors: the root events, or the `parentId` event
 * (depth 0 is the anchors themselves).
 */
function treeSql(organizationId: string, depth: number, parentId: unknown): Sql {
  const anchor = typeof parentId === "string" ? "a.id = ?" : "a.parent_id IS NULL";
  return {
    sql: `id IN (WITH RECURSIVE tree(id, level) AS (
        SELECT a.id, 0 FROM usage_events a WHERE a.organization_id = ? AND ${anchor}
        UNION ALL SELECT c.id, t.level + 1 FROM usage_events c JOIN tree t ON c.parent_id = t.id WHERE t.level < ?
      ) SELECT id FROM tree)`,
    params: [organizationId, ...(typeof parentId === "string" ? [parentId] : []), depth],
  };
}

function listEvents(state: EmulatorState, subject: Subject, query: Record<string, unknown>) {
  const organizationId = organizationOf(subject);
  const where: Sql[] = [{ sql: "organization_id = ?", params: [organizationId] }];
  if (list(query.organization_id).some((id) => id !== organizationId)) {
    where.push({ sql: "0", params: [] });
  }
  const customers = customerIndex(state, organizationId);
  where.push(...customerFilterSql(state, organizationId, query.customer_id, query.external_customer_id, customers));
  const names = list(query.name);
  if (names.length) where.push({ sql: `name IN (${placeholders(names)})`, params: names });
  const sources = list(query.source);
  if (sources.length) where.push({ sql: `source IN (${placeholders(sources)})`, params: sources });
  if (typeof query.query === "string" && query.query) {
    where.push({ sql: "instr(lower(name), lower(?)) > 0", params: [query.query] });
  }
  if (typeof query.start_timestamp === "string") {
    where.push({ sql: "timestamp >= ?", params: [new Date(query.start_timestamp).getTime()] });
  }
  if (typeof query.end_timestamp === "string") {
    where.push({ sql: "timestamp <= ?", params: [new Date(query.end_timestamp).getTime()] });
  }
  if (typeof query.filter === "string") where.push(filterSql(parseFilter(query.filter)));
  if (typeof query.meter_id === "string") {
    const meter = owned<Doc & { filter: Filter }>(state, METER, query.meter_id, organizationId);
    where.push(filterSql(meter.filter));
  }
  if (typeof query.depth === "number") where.push(treeSql(organizationId, query.depth, query.parent_id));
  else if (typeof query.parent_id === "string") where.push({ sql: "parent_id = ?", params: [query.parent_id] });
  where.push(...metadataFilterSql(query.metadata));
  const condition = and(where);
  const { limit, offset } = pageWindow(query);
  const descending = !(Array.isArray(query.sorting) && query.sorting[0] === "timestamp");
  const direction = descending ? "DESC" : "ASC";
  const total = (
    state.db.prepare(`SELECT COUNT(*) AS n FROM usage_events WHERE ${condition.sql}`).get(...condition.params) as {
      n: number;
    }
  ).n;
  const rows = state.db
    .prepare(
      `SELECT ${COLUMNS}, (SELECT COUNT(*) FROM usage_events c WHERE c.parent_id = e.id) AS child_count
       FROM usage_events e WHERE ${condition.sql}
       ORDER BY timestamp ${direction}, seq ${direction} LIMIT ? OFFSET ?`,
    )
    .all(...condition.params, limit, offset) as StoredEvent[];
  const labels = eventTypes(state, organizationId);
  return { items: rows.map((row) => present(row, customers, labels)), pagination: pageInfo(total, limit) };
}

/** Occurrences, first and last time seen, per event name (and source) of the organization. */
function nameStats(state: EmulatorState, organizationId: string, query: Record<string, unknown>, extra: Sql[] = []) {
  const where: Sql[] = [{ sql: "organization_id = ?", params: [organizationId] }, ...extra];
  where.push(...customerFilterSql(state, organizationId, query.customer_id, query.external_customer_id));
  const sources = list(query.source);
  if (sources.length) where.push({ sql: `source IN (${placeholders(sources)})`, params: sources });
  if (typeof query.query === "string" && query.query) {
    where.push({ sql: "instr(lower(name), lower(?)) > 0", params: [query.query] });
  }
  const condition = and(where);
  return state.db
    .prepare(
      `SELECT name, source, COUNT(*) AS occurrences, MIN(timestamp) AS first_seen, MAX(timestamp) AS last_seen
       FROM usage_events WHERE ${condition.sql} GROUP BY name, source`,
    )
    .all(...condition.params) as {
    name: string;
    source: string;
    occurrences: number;
    first_seen: number;
    last_seen: number;
  }[];
}

/** Sorts stats rows in SQL-like order by the API's sorting criteria. */
function sortStats<T extends Record<string, unknown>>(rows: T[], sorting: unknown, fallback: string): T[] {
  const criteria = (Array.isArray(sorting) && sorting.length ? (sorting as string[]) : [fallback]).concat("name");
  return [...rows].sort((a, b) => {
    for (const criterion of criteria) {
      const descending = criterion.startsWith("-");
      const field = descending ? criterion.slice(1) : criterion;
      const [x, y] = [a[field] as string | number, b[field] as string | number];
      if (x === y) continue;
      return (x < y ? -1 : 1) * (descending ? -1 : 1);
    }
    return 0;
  });
}

export const eventHandlers: OperationHandlers = {
  /** Renames an event type (its `label`, and the metadata path of a per-event label). */
  "event-types:update": ({ state, subject, params, body }) => {
    const type = owned<EventTypeDoc>(state, EVENT_TYPE, params.id as string, organizationOf(subject));
    return state.store.put<EventTypeDoc>(EVENT_TYPE, {
      ...type,
      label: body.label,
      label_property_selector: body.label_property_selector ?? null,
      modified_at: state.clock.iso(),
    });
  },
  "events:ingest": ({ state, subject, body }) => ingest(state, subject, body.events as EventInput[]),
  "events:list": ({ state, subject, query }) => listEvents(state, subject, query as Record<string, unknown>),
  "events:get": ({ state, subject, params }) => {
    const organizationId = organizationOf(subject);
    const row = state.db
      .prepare(
        `SELECT ${COLUMNS}, (SELECT COUNT(*) FROM usage_events c WHERE c.parent_id = e.id) AS child_count
         FROM usage_events e WHERE id = ? AND organization_id = ?`,
      )
      .get(params.id, organizationId) as StoredEvent | undefined;
    if (!row) throw notFound();
    return present(row, customerIndex(state, organizationId), eventTypes(state, organizationId));
  },
  "events:list_names": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const labels = eventTypes(state, organizationId);
    const stats = nameStats(state, organizationId, query as Record<string, unknown>).map((row) => ({
      name: row.name,
      label: (row.source === "user" && labels.get(row.name)?.label) || row.name,
      source: row.source,
      occurrences: row.occurrences,
      first_seen: iso(row.first_seen),
      last_seen: iso(row.last_seen),
    }));
    return paginate(sortStats(stats, query.sorting, "-last_seen"), query);
  },
  "event-types:list": ({ state, subject, query }) => {
    const organizationId = organizationOf(subject);
    const extra: Sql[] = [];
    if (query.root_events) extra.push({ sql: "parent_id IS NULL", params: [] });
    if (typeof query.parent_id === "string") extra.push({ sql: "parent_id = ?", params: [query.parent_id] });
    const types = eventTypes(state, organizationId);
    const stats = nameStats(state, organizationId, query as Record<string, unknown>, extra).map((row) => {
      const type = row.source === "user" ? types.get(row.name) : undefined;
      return build("EventTypeWithStats", state.clock.iso(), {
        id: type?.id ?? null,
        created_at: (type?.created_at as string | undefined) ?? null,
        modified_at: (type?.modified_at as string | null | undefined) ?? null,
        name: row.name,
        label: type?.label ?? row.name,
        label_property_selector: type?.label_property_selector ?? null,
        organization_id: organizationId,
        source: row.source,
        occurrences: row.occurrences,
        first_seen: iso(row.first_seen),
        last_seen: iso(row.last_seen),
      });
    });
    return paginate(sortStats(stats, query.sorting, "-last_seen"), query);
  },
};
