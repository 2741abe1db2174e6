import type { EmulatorState } from "../../context";
import { notFound, validationFailure } from "../../errors";
import { matches, paginate, sortBy } from "../../pagination";
import { loadSpec } from "../../spec";
import type { Doc } from "../../store";

/** The store kinds the catalog owns. */
export const KIND = {
  product: "product",
  price: "product_price",
  benefit: "benefit",
  discount: "discount",
  deletedDiscount: "discount_deleted",
  discountRedemption: "discount_redemption",
  customField: "custom_field",
  file: "file",
} as const;

/** Kinds other areas own that the catalog only reads. */
export const FOREIGN_KIND = { benefitGrant: "benefit_grant", customer: "customer", meter: "meter" } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `{id}` path parameter. A malformed one is the API's 422 (FastAPI parses it as a UUID), not a 404. */
export function pathId(params: Record<string, string>, name = "id"): string {
  const value = params[name] ?? "";
  if (!UUID.test(value)) {
    throw validationFailure([
      { loc: ["path", name], msg: "Input should be a valid UUID", type: "uuid_parsing", input: value },
    ]);
  }
  return value;
}

/** A stored object of the caller's organization, or the API's 404 (another organization's objects do not exist for it). */
export function ownDoc<T extends Doc = Doc>(state: EmulatorState, kind: string, id: string, organizationId: string): T {
  const doc = state.store.find<T>(kind, id);
  if (!doc || doc.organization_id !== organizationId) throw notFound();
  return doc;
}

/** The list filter every catalog list shares: `organization_id` can only narrow to the caller's own organization. */
export const inOrganizationFilter = (filter: unknown, organizationId: string) => matches(filter, organizationId);

/** Case-insensitive substring search, the API's `ILIKE %query%`. */
export const containsText = (value: unknown, query: unknown) =>
  typeof query !== "string" || (typeof value === "string" && value.toLowerCase().includes(query.toLowerCase()));

/**
 * Sorts by the API's criteria and cuts a page. Objects created in the same millisecond keep a
 * stable order: the newest first when the first criterion is descending, the oldest first otherwise.
 */
export function sortedPage<T extends Record<string, unknown>>(
  items: T[],
  query: { sorting?: unknown; page?: unknown; limit?: unknown },
  fallback: string[],
) {
  const sorting = Array.isArray(query.sorting) && query.sorting.length ? (query.sorting as string[]) : fallback;
  const descending = String(sorting[0] ?? "").startsWith("-");
  const indexed = items.map((item, index) => ({ ...item, __order: index }));
  const sorted = sortBy(indexed, sorting, [descending ? "-__order" : "__order"]);
  const page = paginate(sorted, query);
  return { ...page, items: page.items.map(({ __order, ...item }) => item as unknown as T) };
}

/** The fields of `body` that were sent with a value (`null` included), limited to `fields`. */
export function sentFields<K extends string>(
  body: object | undefined,
  fields: readonly K[],
): Partial<Record<K, unknown>> {
  const out: Partial<Record<K, unknown>> = {};
  for (const field of fields) {
    const value = (body as Record<string, unknown> | undefined)?.[field];
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/** The component schema a discriminated union of the spec uses for one tag, e.g. `Benefit` + `custom` → `BenefitCustom`. */
export function schemaForTag(union: string, tag: string): string {
  const mapping = (loadSpec().document.components.schemas[union]?.discriminator as { mapping?: Record<string, string> })
    ?.mapping;
  const ref = mapping?.[tag];
  if (!ref) throw new Error(`no ${union} schema for ${tag}`);
  return ref.split("/").pop() as string;
}

/** Deep equality of two JSON documents, to skip rewrites that change nothing. */
export const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
