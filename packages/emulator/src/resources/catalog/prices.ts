import type { Schema } from "@polar-kit/core";
import type { EmulatorState } from "../../context";
import { build } from "../../defaults";
import { uuid } from "../../ids";
import type { Doc } from "../../store";
import type { Issue } from "../../validate";
import { amountProblem, minimumAmount } from "./money";
import { FOREIGN_KIND, KIND, schemaForTag } from "./shared";

export type PriceCreate =
  | Schema<"ProductPriceFixedCreate">
  | Schema<"ProductPriceCustomCreate">
  | Schema<"ProductPriceSeatBasedCreate">
  | Schema<"ProductPriceMeteredUnitCreate">;

/** A stored price: the API's `ProductPrice`, kept (archived ones included) under its own kind. */
export type PriceDoc = Doc & {
  product_id: string;
  amount_type: string;
  price_currency: string;
  is_archived: boolean;
  created_at: string;
  price_amount?: number;
  minimum_amount?: number;
  meter_id?: string;
};

type Tier = { min_seats: number; max_seats?: number | null; price_per_seat: number };

const at = (index: number, ...path: (string | number)[]) => ["body", "prices", index, ...path];

function amountIssue(loc: (string | number)[], amount: number, currency: string, allowZero: boolean): Issue[] {
  const problem = amountProblem(amount, currency, allowZero);
  if (!problem) return [];
  return [{ loc, msg: problem, type: problem.includes("at most") ? "maximum_price" : "minimum_price", input: amount }];
}

/** Seat tiers must cover a continuous range of seats: no gap, no overlap, only the last one open-ended. */
function seatTierIssues(tiers: Tier[], index: number): Issue[] {
  const sorted = [...tiers].sort((a, b) => a.min_seats - b.min_seats);
  for (const [position, current] of sorted.entries()) {
    const next = sorted[position + 1];
    if (!next) break;
    const loc = at(index, "seat_tiers", "tiers");
    if (current.max_seats == null) {
      return [{ loc, msg: "Value error, Only the last tier can have unlimited max_seats (None)", type: "value_error" }];
    }
    if (next.min_seats !== current.max_seats + 1) {
      const msg = `Value error, Gap or overlap between tiers: tier ending at ${current.max_seats} and tier starting at ${next.min_seats}`;
      return [{ loc, msg, type: "value_error" }];
    }
  }
  return [];
}

/** The price per unit of a metered price as the API writes it: a decimal string. */
function decimalString(value: number | string): string {
  if (typeof value === "string") return value.replace(/^\+/, "");
  return value.toFixed(12).replace(/\.?0+$/, "");
}

/** Field-level problems of one new price (the rules pydantic applies to `ProductPrice*Create`). */
export function priceIssues(price: PriceCreate, index: number): Issue[] {
  const currency = price.price_currency ?? "usd";
  switch (price.amount_type) {
    case "fixed":
      return amountIssue(at(index, "price_amount"), price.price_amount, currency, true);
    case "custom": {
      const issues = [
        ...amountIssue(at(index, "minimum_amount"), price.minimum_amount ?? minimumAmount(currency), currency, true),
        ...(price.maximum_amount != null
          ? amountIssue(at(index, "maximum_amount"), price.maximum_amount, currency, true)
          : []),
        ...(price.preset_amount != null
          ? amountIssue(at(index, "preset_amount"), price.preset_amount, currency, true)
          : []),
      ];
      const minimum = price.minimum_amount ?? minimumAmount(currency);
      if (price.maximum_amount != null && price.maximum_amount < minimum) {
        issues.push({
          loc: at(index, "maximum_amount"),
          msg: "The maximum amount must be greater than or equal to the minimum amount.",
          type: "value_error",
          input: price.maximum_amount,
        });
      }
      return issues;
    }
    case "seat_based":
      return seatTierIssues(price.seat_tiers.tiers, index);
    case "metered_unit": {
      const amount = Number(decimalString(price.unit_amount));
      return amount > 0
        ? []
        : [
            {
              loc: at(index, "unit_amount"),
              msg: "Input should be greater than 0",
              type: "greater_than",
              input: price.unit_amount,
            },
          ];
    }
  }
}

/**
 * The meter a metered price refers to, as `ProductPriceMeter`. Meters are another area's objects:
 * one of another organization does not exist (`undefined`); an id the emulator does not know is
 * accepted with a placeholder, so metered prices work before meters are created through the API.
 */
export function meterOf(state: EmulatorState, organizationId: string, meterId: string): Doc | undefined {
  const meter = state.store.find(FOREIGN_KIND.meter, meterId);
  if (meter && meter.organization_id !== organizationId) return undefined;
  return {
    id: meterId,
    name: typeof meter?.name === "string" ? meter.name : "Meter",
    unit: meter?.unit ?? "scalar",
    custom_label: meter?.custom_label ?? null,
    custom_multiplier: meter?.custom_multiplier ?? null,
  };
}

/** A new catalog price of a product, in the API's shape. */
export function newPrice(state: EmulatorState, productId: string, price: PriceCreate, meter?: Doc): PriceDoc {
  const now = state.clock.iso();
  const currency = price.price_currency ?? "usd";
  const common = {
    id: uuid(),
    created_at: now,
    modified_at: null,
    source: "catalog",
    amount_type: price.amount_type,
    price_currency: currency,
    tax_behavior: price.tax_behavior ?? null,
    is_archived: false,
    product_id: productId,
  };
  const specific = (() => {
    switch (price.amount_type) {
      case "fixed":
        return { price_amount: price.price_amount };
      case "custom":
        return {
          minimum_amount: price.minimum_amount ?? minimumAmount(currency),
          maximum_amount: price.maximum_amount ?? null,
          preset_amount: price.preset_amount ?? null,
        };
      case "seat_based": {
        const tiers = [...price.seat_tiers.tiers]
          .sort((a, b) => a.min_seats - b.min_seats)
          .map((tier) => ({
            min_seats: tier.min_seats,
            max_seats: tier.max_seats ?? null,
            price_per_seat: tier.price_per_seat,
          }));
        return {
          seat_tiers: {
            seat_tier_type: price.seat_tiers.seat_tier_type ?? "volume",
            tiers,
            minimum_seats: tiers[0]?.min_seats ?? 1,
            maximum_seats: tiers.at(-1)?.max_seats ?? null,
          },
        };
      }
      case "metered_unit":
        return {
          unit_amount: decimalString(price.unit_amount),
          cap_amount: price.cap_amount ?? null,
          meter_id: price.meter_id,
          meter,
        };
    }
  })();
  return build(schemaForTag("ProductPrice", price.amount_type), now, { ...common, ...specific }) as PriceDoc;
}

const isStatic = (price: PriceDoc) => price.amount_type !== "metered_unit";
const isFree = (price: PriceDoc) => price.amount_type === "fixed" && price.price_amount === 0;

/**
 * The rules on a product's set of prices (the spec's `ProductPriceCreateList`), checked per currency:
 * at most one fixed and one seat-based price, or a single custom or free price, plus metered prices;
 * a free price stands alone; metered prices only on recurring products, one per meter.
 */
export function priceSetIssues(prices: PriceDoc[], recurring: boolean, indexOf: (price: PriceDoc) => number): Issue[] {
  const issues: Issue[] = [];
  if (!prices.length) {
    issues.push({ loc: ["body", "prices"], msg: "At least one price is required.", type: "too_short" });
  }
  const meters = new Set<string>();
  for (const price of prices.filter((p) => p.amount_type === "metered_unit")) {
    if (!recurring) {
      issues.push({
        loc: at(indexOf(price)),
        msg: "Metered pricing is not supported on one-time products.",
        type: "value_error",
      });
    } else if (meters.has(price.meter_id as string)) {
      issues.push({
        loc: at(indexOf(price), "meter_id"),
        msg: "Meter is already used for another price.",
        type: "value_error",
        input: price.meter_id,
      });
    }
    meters.add(price.meter_id as string);
  }
  for (const currency of new Set(prices.map((p) => p.price_currency))) {
    const group = prices.filter((p) => p.price_currency === currency);
    const statics = group.filter(isStatic);
    const count = (type: string) => statics.filter((p) => p.amount_type === type).length;
    const problem =
      group.some(isFree) && group.length > 1
        ? "A free price cannot be combined with other prices."
        : count("custom") > 1 || (count("custom") && (count("fixed") || count("seat_based")))
          ? "A custom price cannot be combined with a fixed or seat-based price."
          : count("fixed") > 1 || count("seat_based") > 1
            ? "Only one fixed price and one seat-based price are allowed per currency."
            : undefined;
    if (problem) issues.push({ loc: ["body", "prices"], msg: problem, type: "value_error" });
  }
  return issues;
}

/** A product's active prices in the API's order: static prices first, then metered, oldest first. */
export function activePrices(state: EmulatorState, organizationId: string, productId: string): PriceDoc[] {
  return state.store
    .all<PriceDoc>(KIND.price, { organizationId })
    .filter((price) => price.product_id === productId && !price.is_archived)
    .sort((a, b) => Number(!isStatic(a)) - Number(!isStatic(b)));
}

/** Any price by id, archived ones included (subscriptions keep the price they were bought with). */
export function findProductPrice(state: EmulatorState, priceId: string): PriceDoc | undefined {
  return state.store.find<PriceDoc>(KIND.price, priceId);
}
