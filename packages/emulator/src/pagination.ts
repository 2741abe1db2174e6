/** The API's page shape. */
export interface Page<T> {
  items: T[];
  pagination: { total_count: number; max_page: number };
}

const MAX_LIMIT = 100;

/**
 * The rows one page asks for; `limit` above 100 is clamped, as the API does. A page far past any
 * data stays an exact integer offset (SQL refuses an offset of 1e24).
 */
export function pageWindow(query: { page?: unknown; limit?: unknown }): { limit: number; offset: number } {
  const page = Number(query.page ?? 1);
  const limit = Math.min(Number(query.limit ?? 10), MAX_LIMIT);
  return { limit, offset: Math.min((page - 1) * limit, Number.MAX_SAFE_INTEGER) };
}

/** The `pagination` object of a page of `limit` rows out of `total`. */
export const pageInfo = (total: number, limit: number): Page<never>["pagination"] => ({
  total_count: total,
  max_page: Math.ceil(total / limit),
});

/** Cuts one page out of `items`. */
export function paginate<T>(items: T[], query: { page?: unknown; limit?: unknown }): Page<T> {
  const { limit, offset } = pageWindow(query);
  return { items: items.slice(offset, offset + limit), pagination: pageInfo(items.length, limit) };
}

type Sortable = Record<string, unknown>;

/** Sorts by the API's `sorting` criteria (`-field` for descending), then by the default criteria. */
export function sortBy<T extends Sortable>(items: T[], sorting: unknown, defaults: string[]): T[] {
  const criteria = [...(Array.isArray(sorting) ? (sorting as string[]) : []), ...defaults];
  return [...items].sort((a, b) => {
    for (const criterion of criteria) {
      const descending = criterion.startsWith("-");
      const field = descending ? criterion.slice(1) : criterion;
      const [x, y] = [a[field], b[field]];
      if (x === y) continue;
      if (x === null || x === undefined) return descending ? 1 : -1;
      if (y === null || y === undefined) return descending ? -1 : 1;
      const order = x < y ? -1 : 1;
      return descending ? -order : order;
    }
    return 0;
  });
}

/** A query parameter sent once, several times or not at all, as strings. */
export const list = (value: unknown): string[] =>
  value === undefined || value === null ? [] : (Array.isArray(value) ? value : [value]).map(String);

/** True when `value` (one or several allowed values, or nothing) admits `candidate`. */
export function matches(filter: unknown, candidate: unknown): boolean {
  if (filter === undefined || filter === null) return true;
  return (Array.isArray(filter) ? filter : [filter]).some((f) => f === candidate);
}

/** The API's metadata filter: every key must match one of its values (compared as strings). */
export function matchesMetadata(filter: unknown, metadata: Record<string, unknown> | undefined): boolean {
  if (!filter || typeof filter !== "object") return true;
  return Object.entries(filter).every(([key, wanted]) =>
    (Array.isArray(wanted) ? wanted : [wanted]).some((w) => String(metadata?.[key]) === String(w)),
  );
}
