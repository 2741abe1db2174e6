// How the example apps' pages show Polar's amounts, dates and billing periods.
import type { Product } from "@polar-kit/core";
import { hasAccess, type SubscriptionFact } from "./facts.js";

/** Polar sends amounts in cents: `formatMoney(900, "usd")` is "$9.00". */
export function formatMoney(cents: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);
}

/** The day of an ISO timestamp, e.g. "2026-01-31"; empty when there is none. */
export function formatDate(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : "";
}

/** "every month", "every 3 months"; empty for one-time products. */
export function billingPeriod(interval: string | null | undefined, count: number | null | undefined = 1): string {
  if (!interval) return "";
  return (count ?? 1) > 1 ? `every ${count} ${interval}s` : `every ${interval}`;
}

/** How often a product bills: "every month", or "one-time" for products bought once. */
export function productPeriod(
  product: Pick<Product, "is_recurring" | "recurring_interval" | "recurring_interval_count">,
): string {
  return product.is_recurring
    ? billingPeriod(product.recurring_interval, product.recurring_interval_count)
    : "one-time";
}

/** What a product costs, from its first active price: "$9.00", "Free", "Pay what you want", … */
export function priceLabel(product: Product): string {
  const price = product.prices.find((p) => !p.is_archived);
  if (!price) return "No price";
  switch (price.amount_type) {
    case "fixed":
      return price.price_amount === 0 ? "Free" : formatMoney(price.price_amount, price.price_currency);
    case "custom":
      return "Pay what you want";
    case "seat_based": {
      const first = price.seat_tiers.tiers[0];
      return first ? `${formatMoney(first.price_per_seat, price.price_currency)} per seat` : "Per seat";
    }
    default:
      return "Usage-based";
  }
}

/**
 * A subscription's state in words for the account page: `text` goes in a span styled by `tone`
 * (the stylesheet's classes), `note` follows it directly and brings its own separator
 * ("Active" + ", renews 2026-01-31", "Active until 2026-01-31" + " (canceled)").
 */
export interface SubscriptionStatus {
  text: string;
  note: string;
  tone: "ok" | "ended" | "muted";
}

type StatusFields = "status" | "cancelAtPeriodEnd" | "currentPeriodEnd" | "endsAt" | "endedAt";

/** How the account page describes a subscription, e.g. `{ text: "Active", note: ", renews 2026-01-31", tone: "ok" }`. */
export function subscriptionStatus(s: Pick<SubscriptionFact, StatusFields>): SubscriptionStatus {
  const access = hasAccess(s);
  // Canceled at the period's end: still paid for until then.
  if (access && s.cancelAtPeriodEnd) {
    return { text: `Active until ${formatDate(s.endsAt ?? s.currentPeriodEnd)}`, note: " (canceled)", tone: "ok" };
  }
  if (s.status === "trialing") return { text: `Trial until ${formatDate(s.currentPeriodEnd)}`, note: "", tone: "ok" };
  if (access) return { text: "Active", note: `, renews ${formatDate(s.currentPeriodEnd)}`, tone: "ok" };
  if (s.status === "past_due") return { text: "Payment overdue", note: "", tone: "ended" };
  if (s.status === "incomplete") return { text: "Waiting for payment", note: "", tone: "muted" };
  return { text: "Access ended", note: s.endedAt ? ` ${formatDate(s.endedAt)}` : "", tone: "ended" };
}
