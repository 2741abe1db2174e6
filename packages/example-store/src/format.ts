// How the example apps' pages show Polar's amounts, dates and billing periods.
import type { Product } from "@polar-kit/core";

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
