import type { Schema } from "@polar-kit/core";
import type { EmulatorState } from "../../context";
import { notFound } from "../../errors";
import { sortBy } from "../../pagination";
import type { Doc } from "../../store";

/** The store kinds of the purchase flow, plus the catalog kinds it reads. */
export const KIND = {
  customer: "customer",
  checkout: "checkout",
  checkoutLink: "checkout_link",
  order: "order",
  subscription: "subscription",
  refund: "refund",
  grant: "benefit_grant",
  licenseKey: "license_key",
  product: "product",
  benefit: "benefit",
  discount: "discount",
  organization: "organization",
} as const;

export type Customer = Schema<"Customer"> & Doc;
export type Checkout = Schema<"Checkout"> & Doc;
export type CheckoutLink = Schema<"CheckoutLink"> & Doc;
export type Order = Schema<"Order"> & Doc;
export type Subscription = Schema<"Subscription"> & Doc;
export type Refund = Schema<"Refund"> & Doc;
export type BenefitGrant = Schema<"BenefitGrant"> & Doc;
export type LicenseKey = Schema<"LicenseKeyRead"> & Doc;
export type Product = Schema<"Product"> & Doc;
export type Price = Product["prices"][number];
export type Benefit = Schema<"Benefit"> & Doc;
export type Discount = Schema<"Discount"> & Doc;
export type Organization = Schema<"Organization"> & Doc;
export type Address = Schema<"Address">;
export type Metadata = Record<string, string | number | boolean>;

/** The caller's object of `kind`, or the API's 404 (another organization's id is a 404 too). */
export function owned<T extends Doc>(state: EmulatorState, kind: string, id: string, organizationId: string): T {
  const doc = state.store.find<T>(kind, id);
  if (!doc || doc.organization_id !== organizationId) throw notFound();
  return doc;
}

/** The body's fields that were actually sent (the API applies only those on PATCH). */
export function sent<T extends object>(body: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(body ?? {}).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** An `AddressInput` as the API stores it: every field present, missing ones null. */
export function address(input: Schema<"AddressInput"> | null | undefined): Address | null {
  if (!input) return null;
  return {
    line1: input.line1 ?? null,
    line2: input.line2 ?? null,
    postal_code: input.postal_code ?? null,
    city: input.city ?? null,
    state: input.state ?? null,
    country: input.country as Address["country"],
  };
}

/** Metadata as the API returns it (a copy, never the request's object). */
export const metadata = (input: unknown): Metadata => ({ ...((input as Metadata | null | undefined) ?? {}) });

/**
 * A checkout's `customer_metadata` as the API shows it: values are text, integers or booleans
 * there (a float is accepted on input), so a fractional number reads back as its text.
 */
export const customerMetadata = (input: unknown): Metadata =>
  Object.fromEntries(
    Object.entries(metadata(input)).map(([key, value]) => [
      key,
      typeof value === "number" && !Number.isInteger(value) ? String(value) : value,
    ]),
  ) as Metadata;

type Interval = "day" | "week" | "month" | "year";

/**
 * `from` moved forward by `count` intervals. Months and years keep the day of month and clamp it to
 * the target month's length (Jan 31 + 1 month = Feb 28/29), as billing periods do.
 */
export function addInterval(from: string | Date, interval: Interval, count = 1): string {
  const date = new Date(from);
  if (interval === "day" || interval === "week") {
    date.setUTCDate(date.getUTCDate() + count * (interval === "week" ? 7 : 1));
  } else {
    const months = count * (interval === "year" ? 12 : 1);
    const day = date.getUTCDate();
    date.setUTCDate(1);
    date.setUTCMonth(date.getUTCMonth() + months);
    const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    date.setUTCDate(Math.min(day, last));
  }
  return iso(date);
}

/** A date as the API writes it: ISO 8601 with a `+00:00` offset. */
export const iso = (date: Date | string | number): string => new Date(date).toISOString().replace("Z", "+00:00");

/** Milliseconds since the epoch of an API timestamp (or of `null`, as +Infinity: never). */
export const ms = (value: string | null | undefined): number =>
  value ? new Date(value).getTime() : Number.POSITIVE_INFINITY;

/**
 * Sorts by the API's `sorting` criteria where a criterion may name a derived value (e.g. `customer`
 * sorts by the customer's email): `keys` maps such names to how to read them.
 */
export function sortWith<T extends Record<string, unknown>>(
  items: T[],
  sorting: unknown,
  defaults: string[],
  keys: Record<string, (item: T) => unknown> = {},
): T[] {
  const decorated = items.map((item, index) => {
    const row: Record<string, unknown> = { ...item, __index: index };
    for (const [name, read] of Object.entries(keys)) row[name] = read(item);
    return row;
  });
  return sortBy(decorated, sorting, defaults).map((row) => items[row.__index as number] as T);
}

/** True when a date-time query filter admits `value` (`after`/`before` are exclusive-inclusive like the API's). */
export function within(value: string | null | undefined, after: unknown, before: unknown): boolean {
  if (after == null && before == null) return true;
  if (!value) return false;
  const time = ms(value);
  if (typeof after === "string" && time <= ms(after)) return false;
  if (typeof before === "string" && time >= ms(before)) return false;
  return true;
}
