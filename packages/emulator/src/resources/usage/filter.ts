// Meter filters and aggregations as SQL over the events table (`usage/events.ts`).
import { invalid } from "../../errors";

/** `FilterClause`: a comparison of one event property with a value. */
export interface FilterClause {
  property: string;
  operator: "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "like" | "not_like";
  value: string | number | boolean;
}

/** `Filter`: clauses (or nested filters) joined by `and` / `or`; no clause at all is true. */
export interface Filter {
  conjunction: "and" | "or";
  clauses: (FilterClause | Filter)[];
}

export type Aggregation =
  | { func: "count" }
  | { func: "sum" | "max" | "min" | "avg"; property: string }
  | { func: "unique"; property: string };

/** A SQL fragment with its bound parameters. */
export interface Sql {
  sql: string;
  params: unknown[];
}

/** One `?` per value, for an `IN (…)` list. */
export const placeholders = (values: unknown[]) => values.map(() => "?").join(", ");

/**
 * Most clauses a filter may hold, nested ones included: each is SQL with up to three bound values,
 * and SQLite takes at most 32,766 of them in a statement.
 */
export const MAX_FILTER_CLAUSES = 1000;

/** A 422 at `loc` when `filter` holds more clauses than its SQL can carry. */
export function checkFilterSize(filter: Filter, loc: (string | number)[]): void {
  let count = 0;
  const pending: Filter[] = [filter];
  for (let next = pending.pop(); next; next = pending.pop()) {
    count += next.clauses.length;
    for (const clause of next.clauses) if ("conjunction" in clause) pending.push(clause);
  }
  if (count > MAX_FILTER_CLAUSES) {
    throw invalid(loc, `A filter may hold at most ${MAX_FILTER_CLAUSES} clauses.`, "too_long");
  }
}

/**
 * SQL terms joined by `operator` as a balanced tree: SQLite refuses an expression nested more than
 * 1,000 deep, and a flat chain of n terms nests n deep.
 */
function joined(terms: string[], operator: string): string {
  if (terms.length === 1) return terms[0] as string;
  const middle = Math.ceil(terms.length / 2);
  return `(${joined(terms.slice(0, middle), operator)} ${operator} ${joined(terms.slice(middle), operator)})`;
}

/** The conjunction of SQL conditions; none at all is true. */
export const and = (parts: Sql[]): Sql => ({
  sql: parts.length
    ? joined(
        parts.map((p) => p.sql),
        "AND",
      )
    : "1",
  params: parts.flatMap((p) => p.params),
});

const COMPARE: Record<string, string> = { eq: "=", ne: "!=", gt: ">", gte: ">=", lt: "<", lte: "<=" };

/** The JSON path of a metadata property: a `metadata.` prefix is dropped, dots address nested keys. */
export function metadataPath(property: string): string {
  const bare = property.startsWith("metadata.") ? property.slice("metadata.".length) : property;
  return `$${bare
    .split(".")
    .map((part) => `."${part.replaceAll('"', '\\"')}"`)
    .join("")}`;
}

/** The SQL of one clause; a value of another type than the stored one makes it false. */
function clauseSql(clause: FilterClause): Sql {
  const { property, operator, value } = clause;
  const contains = operator === "like" || operator === "not_like";
  const found = operator === "like" ? "> 0" : "= 0";
  if (property === "name" || property === "source") {
    if (contains) return { sql: `instr(${property}, ?) ${found}`, params: [String(value)] };
    if (typeof value !== "string") return { sql: "0", params: [] };
    return { sql: `${property} ${COMPARE[operator]} ?`, params: [value] };
  }
  if (property === "timestamp") {
    if (typeof value !== "number" || contains) return { sql: "0", params: [] };
    return { sql: `(timestamp / 1000) ${COMPARE[operator]} ?`, params: [value] };
  }
  const path = metadataPath(property);
  if (contains) {
    const text =
      "(CASE json_type(metadata, ?) WHEN 'true' THEN 't' WHEN 'false' THEN 'f' ELSE CAST(json_extract(metadata, ?) AS TEXT) END)";
    const asText = typeof value === "boolean" ? (value ? "t" : "f") : String(value);
    return { sql: `instr(${text}, ?) ${found}`, params: [path, path, asText] };
  }
  const op = COMPARE[operator];
  if (typeof value === "boolean") {
    return {
      sql: `(json_type(metadata, ?) IN ('true', 'false') AND json_extract(metadata, ?) ${op} ?)`,
      params: [path, path, value ? 1 : 0],
    };
  }
  if (typeof value === "number") {
    return {
      sql: `(json_type(metadata, ?) IN ('integer', 'real') AND json_extract(metadata, ?) ${op} ?)`,
      params: [path, path, value],
    };
  }
  return {
    sql: `(json_type(metadata, ?) = 'text' AND json_extract(metadata, ?) ${op} ?)`,
    params: [path, path, value],
  };
}

/** The SQL condition of a whole filter (recursive). */
export function filterSql(filter: Filter): Sql {
  if (!filter.clauses.length) return { sql: "1", params: [] };
  const parts = filter.clauses.map((clause) => ("conjunction" in clause ? filterSql(clause) : clauseSql(clause)));
  return {
    sql: `(${joined(
      parts.map((part) => part.sql),
      filter.conjunction === "or" ? "OR" : "AND",
    )})`,
    params: parts.flatMap((part) => part.params),
  };
}

/** The value an aggregation reads from each event (numbers only for the numeric functions). */
function propertyValue(property: string, numeric: boolean): Sql {
  if (property === "name" || property === "source") return { sql: numeric ? "NULL" : property, params: [] };
  if (property === "timestamp") return { sql: "(timestamp / 1000)", params: [] };
  const path = metadataPath(property);
  return numeric
    ? {
        sql: "(CASE WHEN json_type(metadata, ?) IN ('integer', 'real') THEN json_extract(metadata, ?) END)",
        params: [path, path],
      }
    : { sql: "json_extract(metadata, ?)", params: [path] };
}

/** The SQL aggregate of a meter over the selected events; never NULL. */
export function aggregationSql(aggregation: Aggregation): Sql {
  if (aggregation.func === "count") return { sql: "COUNT(*)", params: [] };
  if (aggregation.func === "unique") {
    const value = propertyValue(aggregation.property, false);
    return { sql: `COUNT(DISTINCT ${value.sql})`, params: value.params };
  }
  const value = propertyValue(aggregation.property, true);
  return { sql: `COALESCE(${aggregation.func.toUpperCase()}(${value.sql}), 0)`, params: value.params };
}

/** The SQL of an `AggregationFunction` applied to a column of per-customer quantities. */
export function outerAggregationSql(func: string, column: string): string {
  if (func === "count") return `COUNT(${column})`;
  if (func === "unique") return `COUNT(DISTINCT ${column})`;
  return `COALESCE(${func.toUpperCase()}(${column}), 0)`;
}
