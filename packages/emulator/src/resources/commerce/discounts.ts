// The discount rules of the purchase flow: the catalog's lookup and redemption, plus what only
// checkouts and subscriptions care about (amounts, repetition, the shapes they embed).
import type { EmulatorState } from "../../context";
import { invalid } from "../../errors";
import { findApplicableDiscount, redeemDiscount } from "../catalog";
import { type Discount, KIND, type Price, type Product } from "./shared";

// Where the catalog keeps deleted discounts.
const DELETED = "discount_deleted";

type Loc = "discount_id" | "discount_code";

/** A discount's amount off `amount` (cents): fixed ones in the checkout's currency, percentages rounded. */
export function discountAmount(discount: Discount | null | undefined, amount: number, currency: string): number {
  if (!discount) return 0;
  if (discount.type === "percentage" && "basis_points" in discount) {
    return Math.min(amount, Math.round((amount * discount.basis_points) / 10_000));
  }
  if ("amount" in discount) {
    const off = discount.amounts?.[currency] ?? (discount.currency === currency ? discount.amount : 0);
    return Math.min(amount, off);
  }
  return 0;
}

/** A discount by id, deleted ones included: a checkout opened before a deletion still completes with it. */
export const storedDiscount = (state: EmulatorState, id: string | null | undefined): Discount | null =>
  id ? (state.store.find<Discount>(KIND.discount, id) ?? state.store.find<Discount>(DELETED, id) ?? null) : null;

/**
 * The discount for a product and price, by id or by code, or the API's 422 naming the field. The
 * catalog decides whether it exists, covers the product and can be redeemed; the checkout adds
 * that discounts apply to fixed and custom prices only, and repeating ones to recurring products.
 */
export function validatedDiscount(
  state: EmulatorState,
  product: Product,
  price: Price | null | undefined,
  by: { id: string } | { code: string },
  customerId?: string | null,
): Discount {
  const loc: Loc = "id" in by ? "discount_id" : "discount_code";
  const input = "id" in by ? by.id : by.code;
  if (!price || !["fixed", "custom"].includes(price.amount_type)) {
    throw invalid(["body", loc], "Discounts are only applicable to fixed and custom prices.", "value_error", input);
  }
  const discount = findApplicableDiscount(state, product.organization_id, {
    ...by,
    productId: product.id,
    now: state.clock.now(),
    ...(customerId && { customerId }),
  }) as Discount;
  if (!product.is_recurring && discount.duration === "repeating") {
    throw invalid(["body", loc], "Discount is not applicable to this product.", "value_error", input);
  }
  return discount;
}

/** Records one redemption for the customer (the catalog's limits apply: 403 when used up). */
export const redeem = (state: EmulatorState, discountId: string, customerId: string): Discount =>
  redeemDiscount(state, discountId, customerId) as Discount;

/** Whether a subscription's discount still applies to a cycle starting at `periodStart`. */
export function discountApplies(discount: Discount, startedAt: string, periodStart: string): boolean {
  if (discount.duration === "forever") return true;
  if (discount.duration === "once") return false;
  const months = "duration_in_months" in discount ? (discount.duration_in_months as number) : 0;
  const end = new Date(startedAt);
  end.setUTCMonth(end.getUTCMonth() + months);
  return new Date(periodStart).getTime() < end.getTime();
}

/** The discount as the `discount` field of checkouts shows it (`CheckoutDiscount*`). */
export function checkoutDiscount(discount: Discount | null | undefined) {
  if (!discount) return null;
  const base = { id: discount.id, name: discount.name, code: discount.code, duration: discount.duration };
  const repeat = "duration_in_months" in discount ? { duration_in_months: discount.duration_in_months } : {};
  return "basis_points" in discount
    ? { ...base, ...repeat, type: "percentage" as const, basis_points: discount.basis_points }
    : {
        ...base,
        ...repeat,
        type: "fixed" as const,
        amount: discount.amount,
        currency: discount.currency,
        amounts: discount.amounts,
      };
}

/** The discount as orders and subscriptions embed it (`Discount*Base`: no product list). */
export function embeddedDiscount(discount: Discount | null | undefined) {
  if (!discount) return null;
  const { products: _products, ...rest } = discount;
  return rest;
}
