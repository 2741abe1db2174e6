// Read-only lookups into the catalog (products and benefits are stored by the catalog resources):
// which price a checkout charges, and how much.
import type { Schema } from "@polar-kit/core";
import type { EmulatorState } from "../../context";
import { build } from "../../defaults";
import { uuid } from "../../ids";
import { type Benefit, KIND, type Price, type Product } from "./shared";

/** A product of the organization, if it exists (archived ones included: callers decide). */
export function findProduct(state: EmulatorState, organizationId: string, id: string): Product | undefined {
  const product = state.store.find<Product>(KIND.product, id);
  return product && product.organization_id === organizationId ? product : undefined;
}

/** The product that sells a price, for the legacy `product_price_id` inputs. */
export function findProductByPrice(state: EmulatorState, organizationId: string, priceId: string) {
  return state.store
    .all<Product>(KIND.product, { organizationId })
    .find((product) => product.prices.some((price) => price.id === priceId));
}

/** The benefit as stored by the catalog (its latest properties), else the product's embedded copy. */
export const currentBenefit = (state: EmulatorState, benefit: Benefit | Schema<"Benefit">): Benefit =>
  state.store.find<Benefit>(KIND.benefit, benefit.id) ?? (benefit as Benefit);

export const isMetered = (price: Price) => price.amount_type === "metered_unit";

/**
 * The price a checkout charges up front: the first active non-metered one (metered prices are billed
 * later, from usage), or the first active one when the product only has metered prices.
 */
export function primaryPrice(prices: Price[]): Price | undefined {
  const active = prices.filter((price) => !price.is_archived);
  return active.find((price) => !isMetered(price)) ?? active[0];
}

/** A fixed price of 0 is the spec's way to sell something for free (it has no `free` amount type). */
export const isFreePrice = (price: Price | null | undefined) =>
  !price || (price.amount_type === "fixed" && price.price_amount === 0);

type SeatPrice = Extract<Price, { amount_type: "seat_based" }>;

/** The seat tiers' bounds, from the tiers themselves when the price leaves them open. */
export function seatBounds(price: SeatPrice): { min: number; max: number | null } {
  return { min: Math.max(1, price.seat_tiers.minimum_seats), max: price.seat_tiers.maximum_seats ?? null };
}

/** What `seats` seats cost: volume tiers price every seat at the tier reached, graduated ones per tier. */
export function seatAmount(price: SeatPrice, seats: number): number {
  const tiers = [...price.seat_tiers.tiers].sort((a, b) => a.min_seats - b.min_seats);
  if ((price.seat_tiers.seat_tier_type ?? "volume") === "graduated") {
    let total = 0;
    for (const tier of tiers) {
      const upper = Math.min(seats, tier.max_seats ?? Number.POSITIVE_INFINITY);
      if (upper >= tier.min_seats) total += (upper - tier.min_seats + 1) * tier.price_per_seat;
    }
    return total;
  }
  const tier = tiers.find((t) => seats >= t.min_seats && (t.max_seats == null || seats <= t.max_seats)) ?? tiers.at(-1);
  return (tier?.price_per_seat ?? 0) * seats;
}

/** The amount of a price before discounts: `amount` is the pay-what-you-want choice, `seats` the seat count. */
export function priceAmount(price: Price | null | undefined, input: { amount?: number | null; seats?: number | null }) {
  if (!price) return 0;
  switch (price.amount_type) {
    case "fixed":
      return price.price_amount;
    case "custom":
      return input.amount ?? price.preset_amount ?? Math.max(price.minimum_amount, 1000);
    case "seat_based":
      return seatAmount(price, input.seats ?? seatBounds(price).min);
    default:
      return 0;
  }
}

/** The currency a price is sold in (`usd` when the product has no price at all). */
export const priceCurrency = (price: Price | null | undefined): string => price?.price_currency ?? "usd";

type PriceCreate = NonNullable<Schema<"CheckoutProductsCreate">["prices"]>[string][number];

/**
 * The ad-hoc prices a checkout may set per product (`CheckoutProductsCreate.prices`), as the
 * `ProductPrice` objects the API then shows. Metered ad-hoc prices need a meter: they are left out.
 */
export function adHocPrices(product: Product, creates: PriceCreate[], now: string): Price[] {
  const prices: Price[] = [];
  for (const create of creates) {
    const base = {
      id: uuid(),
      created_at: now,
      modified_at: null,
      source: "ad_hoc",
      price_currency: create.price_currency ?? "usd",
      tax_behavior: create.tax_behavior ?? null,
      is_archived: false,
      product_id: product.id,
    };
    if (create.amount_type === "fixed") {
      prices.push(
        build("ProductPriceFixed", now, {
          ...base,
          amount_type: "fixed",
          price_amount: create.price_amount,
        }) as unknown as Price,
      );
    } else if (create.amount_type === "custom") {
      prices.push(
        build("ProductPriceCustom", now, {
          ...base,
          amount_type: "custom",
          minimum_amount: create.minimum_amount ?? 50,
          maximum_amount: create.maximum_amount ?? null,
          preset_amount: create.preset_amount ?? null,
        }) as unknown as Price,
      );
    } else if (create.amount_type === "seat_based") {
      // The output's bounds are derived: first tier's minimum, last tier's maximum (open when null).
      const tiers = [...create.seat_tiers.tiers]
        .sort((a, b) => a.min_seats - b.min_seats)
        .map((t) => ({ min_seats: t.min_seats, max_seats: t.max_seats ?? null, price_per_seat: t.price_per_seat }));
      prices.push(
        build("ProductPriceSeatBased", now, {
          ...base,
          amount_type: "seat_based",
          seat_tiers: {
            seat_tier_type: create.seat_tiers.seat_tier_type ?? "volume",
            tiers,
            minimum_seats: tiers[0]?.min_seats ?? 1,
            maximum_seats: tiers.at(-1)?.max_seats ?? null,
          },
        }) as unknown as Price,
      );
    }
  }
  return prices;
}
