import type { EmulatorState } from "../../context";
import { type ApiFailure, invalid, polarError } from "../../errors";
import { uuid } from "../../ids";
import type { Doc } from "../../store";
import { type DiscountDoc, liveDiscounts } from "./discounts";
import { KIND } from "./shared";

// Discounts at checkout, for the commerce area: which discount a checkout may apply, and the
// redemptions that count against its limits (stored as `discount_redemption` objects).

const doesNotExist = (code: string | undefined): ApiFailure =>
  invalid(["body", code !== undefined ? "discount_code" : "discount_id"], "Discount does not exist.");

function redemptionsOf(state: EmulatorState, discount: DiscountDoc): Doc[] {
  return state.store
    .all(KIND.discountRedemption, { organizationId: discount.organization_id })
    .filter((r) => r.discount_id === discount.id);
}

/** Whether a discount can be redeemed now: inside its window and under its redemption limits. */
function isRedeemable(state: EmulatorState, discount: DiscountDoc, now: Date, customerId?: string): boolean {
  if (discount.starts_at && new Date(discount.starts_at) > now) return false;
  if (discount.ends_at && new Date(discount.ends_at) < now) return false;
  if (discount.max_redemptions !== null && discount.redemptions_count >= discount.max_redemptions) return false;
  if (customerId && discount.max_redemptions_per_customer !== null) {
    const used = redemptionsOf(state, discount).filter((r) => r.customer_id === customerId).length;
    if (used >= discount.max_redemptions_per_customer) return false;
  }
  return true;
}

/**
 * The discount a checkout asks for, by `code` (any case) or `id`, when it exists in the
 * organization, applies to the product and can be redeemed at `now`. Otherwise throws the API's
 * 422 "Discount does not exist." on `discount_code` or `discount_id`, as the checkout does.
 */
export function findApplicableDiscount(
  state: EmulatorState,
  organizationId: string,
  request: { code?: string; id?: string; productId: string; now: Date; customerId?: string },
): Doc {
  const { code, id } = request;
  const discount =
    code !== undefined
      ? liveDiscounts(state, organizationId).find((d) => d.code !== null && d.code.toUpperCase() === code.toUpperCase())
      : id !== undefined
        ? liveDiscounts(state, organizationId).find((d) => d.id === id)
        : undefined;
  if (!discount) throw doesNotExist(code);
  const applies = !discount.products.length || discount.products.some((p) => p.id === request.productId);
  if (!applies || !isRedeemable(state, discount, request.now, request.customerId)) throw doesNotExist(code);
  return discount;
}

/** A discount wherever it is stored: a checkout opened before a deletion still completes with it. */
function storedDiscount(state: EmulatorState, id: string): { kind: string; discount: DiscountDoc } {
  const live = state.store.find<DiscountDoc>(KIND.discount, id);
  if (live) return { kind: KIND.discount, discount: live };
  return { kind: KIND.deletedDiscount, discount: state.store.get<DiscountDoc>(KIND.deletedDiscount, id) };
}

/**
 * Records one redemption (a paid checkout) and returns the discount with its new
 * `redemptions_count`. A discount that reached its limit meanwhile is the API's 403
 * `DiscountRedemptionLimitReached`.
 */
export function redeemDiscount(state: EmulatorState, discountId: string, customerId?: string): Doc {
  const { kind, discount } = storedDiscount(state, discountId);
  if (!isRedeemable(state, discount, state.clock.now(), customerId)) {
    throw polarError(403, "DiscountRedemptionLimitReached", "This discount has reached its maximum redemptions.");
  }
  state.store.insert(
    KIND.discountRedemption,
    { id: uuid(), discount_id: discount.id, customer_id: customerId ?? null, created_at: state.clock.iso() },
    { organizationId: discount.organization_id },
  );
  return state.store.put(kind, { ...discount, redemptions_count: discount.redemptions_count + 1 });
}

/** Gives back the latest redemption of a discount (a checkout whose payment failed). */
export function releaseDiscountRedemption(state: EmulatorState, discountId: string): void {
  const { kind, discount } = storedDiscount(state, discountId);
  const latest = redemptionsOf(state, discount).at(-1);
  if (!latest) return;
  state.store.remove(KIND.discountRedemption, latest.id);
  state.store.put(kind, { ...discount, redemptions_count: Math.max(0, discount.redemptions_count - 1) });
}
