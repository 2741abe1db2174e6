import type { Schema } from "@polar-kit/core";
import { bodyOrganization, organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { Reply } from "../../context";
import { build } from "../../defaults";
import { invalid, validationFailure } from "../../errors";
import { uuid } from "../../ids";
import type { Doc } from "../../store";
import type { Issue } from "../../validate";
import { discountProductOf } from "./references";
import { inOrganizationFilter, KIND, ownDoc, pathId, sortedPage } from "./shared";

type DiscountCreate = Schema<"DiscountCreate">;
type DiscountUpdate = Schema<"DiscountUpdate">;

/** A stored discount: the API's `Discount`. */
export type DiscountDoc = Doc & {
  organization_id: string;
  type: "fixed" | "percentage";
  duration: "once" | "forever" | "repeating";
  code: string | null;
  starts_at: string | null;
  ends_at: string | null;
  max_redemptions: number | null;
  max_redemptions_per_customer: number | null;
  redemptions_count: number;
  products: Doc[];
};

const isoTimestamp = (value: string | null | undefined) =>
  value == null ? null : new Date(value).toISOString().replace("Z", "+00:00");

/** The API drops an empty code; a code is 3 to 256 letters and digits, unique per organization in any case. */
function codeIssues(state: EmulatorState, organizationId: string, code: string | null, selfId?: string): Issue[] {
  if (code === null) return [];
  const loc = ["body", "code"];
  if (!/^[\p{L}\p{N}]+$/u.test(code)) {
    return [
      { loc, msg: "Value error, Code must contain only alphanumeric characters.", type: "value_error", input: code },
    ];
  }
  if (code.length < 3 || code.length > 256) {
    return [
      { loc, msg: "Value error, Code must be between 3 and 256 characters long.", type: "value_error", input: code },
    ];
  }
  const taken = liveDiscounts(state, organizationId).some(
    (d) => d.id !== selfId && d.code?.toUpperCase() === code.toUpperCase(),
  );
  return taken ? [{ loc, msg: "Discount with this code already exists.", type: "value_error", input: code }] : [];
}

function windowIssues(startsAt: string | null, endsAt: string | null): Issue[] {
  if (startsAt && endsAt && new Date(startsAt) >= new Date(endsAt)) {
    return [
      {
        loc: ["body", "ends_at"],
        msg: "Value error, starts_at must be before ends_at",
        type: "value_error",
        input: endsAt,
      },
    ];
  }
  return [];
}

/** The products a discount is limited to, as `DiscountProduct`; unknown ones are issues. */
function restrictedProducts(
  state: EmulatorState,
  organizationId: string,
  ids: string[],
): { products: Doc[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const products: Doc[] = [];
  for (const [index, id] of ids.entries()) {
    const product = state.store.find(KIND.product, id);
    if (!product || product.organization_id !== organizationId) {
      issues.push({ loc: ["body", "products", index], msg: "Product not found.", type: "value_error", input: id });
    } else if (!products.some((p) => p.id === id)) {
      products.push(discountProductOf(product));
    }
  }
  return { products, issues };
}

/** A fixed discount's amounts: the per-currency map, with the deprecated single `amount`/`currency` kept in step. */
function fixedAmounts(
  amounts: Record<string, number> | null | undefined,
  amount: number | null | undefined,
  currency: string | null | undefined,
): { amounts: Record<string, number>; amount: number; currency: string } | undefined {
  if (amounts && Object.keys(amounts).length) {
    const main = "usd" in amounts ? "usd" : (Object.keys(amounts)[0] as string);
    return { amounts, amount: amounts[main] as number, currency: main };
  }
  if (amount != null) {
    const code = currency ?? "usd";
    return { amounts: { [code]: amount }, amount, currency: code };
  }
  return undefined;
}

function schemaOf(type: string, duration: string): string {
  const suffix = duration === "repeating" ? "RepeatDuration" : "OnceForeverDuration";
  return `Discount${type === "fixed" ? "Fixed" : "Percentage"}${suffix}`;
}

export function liveDiscounts(state: EmulatorState, organizationId: string): DiscountDoc[] {
  return state.store.all<DiscountDoc>(KIND.discount, { organizationId });
}

const liveDiscount = (state: EmulatorState, organizationId: string, id: string) =>
  ownDoc<DiscountDoc>(state, KIND.discount, id, organizationId);

export function createDiscount(state: EmulatorState, organizationId: string, body: DiscountCreate): Doc {
  const code = body.code ? body.code : null;
  const startsAt = isoTimestamp(body.starts_at);
  const endsAt = isoTimestamp(body.ends_at);
  const { products, issues: productIssues } = restrictedProducts(state, organizationId, body.products ?? []);
  const repeating = body.duration === "repeating";
  const fixed =
    body.type === "percentage" ? undefined : fixedAmounts(body.amounts, body.amount, body.currency as string | null);
  const issues = [
    ...codeIssues(state, organizationId, code),
    ...windowIssues(startsAt, endsAt),
    ...productIssues,
    ...(repeating && body.duration_in_months == null
      ? [{ loc: ["body", "duration_in_months"], msg: "Field required", type: "missing" }]
      : []),
    ...(body.type !== "percentage" && !fixed
      ? [{ loc: ["body", "amounts"], msg: "Field required", type: "missing" }]
      : []),
  ];
  if (issues.length) throw validationFailure(issues);

  const type = body.type ?? "fixed";
  const now = state.clock.iso();
  const discount = build(schemaOf(type, body.duration), now, {
    id: uuid(),
    created_at: now,
    modified_at: null,
    type,
    duration: body.duration,
    ...(repeating && { duration_in_months: body.duration_in_months }),
    ...(body.type === "percentage" ? { basis_points: body.basis_points } : fixed),
    name: body.name,
    code,
    starts_at: startsAt,
    ends_at: endsAt,
    max_redemptions: body.max_redemptions ?? null,
    max_redemptions_per_customer: body.max_redemptions_per_customer ?? null,
    redemptions_count: 0,
    organization_id: organizationId,
    metadata: body.metadata ?? {},
    products,
  }) as DiscountDoc;
  state.store.insert(KIND.discount, discount);
  state.emit(organizationId, "discount.created", discount);
  return discount;
}

/** Once redeemed, a discount's value is fixed: customers were promised it. */
function redeemedValueIssues(discount: DiscountDoc, body: DiscountUpdate): Issue[] {
  if (discount.redemptions_count === 0) return [];
  const locked = discount.type === "fixed" ? (["amount", "currency", "amounts"] as const) : (["basis_points"] as const);
  return locked
    .filter((field) => body[field] != null && JSON.stringify(body[field]) !== JSON.stringify(discount[field]))
    .map((field) => ({
      loc: ["body", field],
      msg: "This field cannot be changed because the discount has already been redeemed.",
      type: "value_error",
      input: discount[field],
    }));
}

export function updateDiscount(state: EmulatorState, organizationId: string, id: string, body: DiscountUpdate): Doc {
  const discount = liveDiscount(state, organizationId, id);
  if (body.duration != null && body.duration !== discount.duration) {
    throw invalid(["body", "duration"], "Duration cannot be changed.", "value_error", body.duration);
  }
  if (body.type != null && body.type !== discount.type) {
    throw invalid(["body", "type"], "Type cannot be changed.", "value_error", body.type);
  }
  // Nullable fields are cleared by an explicit null; the others keep their value.
  const cleared = (field: keyof DiscountUpdate) => field in body;
  const code = cleared("code") ? body.code || null : discount.code;
  const startsAt = cleared("starts_at") ? isoTimestamp(body.starts_at) : discount.starts_at;
  const endsAt = cleared("ends_at") ? isoTimestamp(body.ends_at) : discount.ends_at;
  const restriction = body.products != null ? restrictedProducts(state, organizationId, body.products) : undefined;
  const fixed =
    discount.type === "fixed" && (body.amounts != null || body.amount != null)
      ? fixedAmounts(body.amounts, body.amount, (body.currency as string | null) ?? (discount.currency as string))
      : undefined;
  const issues = [
    ...codeIssues(state, organizationId, code, discount.id),
    ...windowIssues(startsAt, endsAt),
    ...(restriction?.issues ?? []),
    ...redeemedValueIssues(discount, body),
  ];
  if (issues.length) throw validationFailure(issues);

  const updated = state.store.put(KIND.discount, {
    ...discount,
    ...(body.name != null && { name: body.name }),
    ...(body.metadata != null && { metadata: body.metadata }),
    code,
    starts_at: startsAt,
    ends_at: endsAt,
    ...(cleared("max_redemptions") && { max_redemptions: body.max_redemptions ?? null }),
    ...(cleared("max_redemptions_per_customer") && {
      max_redemptions_per_customer: body.max_redemptions_per_customer ?? null,
    }),
    ...(discount.duration === "repeating" &&
      body.duration_in_months != null && { duration_in_months: body.duration_in_months }),
    ...(discount.type === "percentage" && body.basis_points != null && { basis_points: body.basis_points }),
    ...fixed,
    ...(restriction && { products: restriction.products }),
    modified_at: state.clock.iso(),
  });
  state.emit(organizationId, "discount.updated", updated);
  return updated;
}

/**
 * Deletes a discount. The API only marks it deleted: it moves to its own kind, out of every lookup
 * by code or id, while `findDeletedDiscount` still finds it for subscriptions that keep applying it.
 */
export function deleteDiscount(state: EmulatorState, organizationId: string, id: string): void {
  const discount = liveDiscount(state, organizationId, id);
  state.store.remove(KIND.discount, discount.id);
  state.store.insert(KIND.deletedDiscount, discount);
  state.emit(organizationId, "discount.deleted", discount);
}

/** A deleted discount by id (what a subscription that had it still applies). */
export const findDeletedDiscount = (state: EmulatorState, id: string) =>
  state.store.find<DiscountDoc>(KIND.deletedDiscount, id);

export function listDiscounts(state: EmulatorState, organizationId: string, query: Record<string, unknown>) {
  const text = typeof query.query === "string" ? query.query : undefined;
  const discounts = liveDiscounts(state, organizationId).filter(
    (d) =>
      inOrganizationFilter(query.organization_id, organizationId) &&
      // As the API: the name matches case-sensitively (LIKE), the code in any case (ILIKE).
      (text === undefined ||
        String(d.name).includes(text) ||
        Boolean(d.code?.toLowerCase().includes(text.toLowerCase()))),
  );
  return sortedPage(discounts, query, ["-created_at"]);
}

export const discountHandlers: OperationHandlers = {
  "discounts:list": ({ state, subject, query }) => listDiscounts(state, organizationOf(subject), query),
  "discounts:create": ({ state, subject, body }) => createDiscount(state, bodyOrganization(subject, body), body),
  "discounts:get": ({ state, subject, params }) => liveDiscount(state, organizationOf(subject), pathId(params)),
  "discounts:update": ({ state, subject, params, body }) =>
    updateDiscount(state, organizationOf(subject), pathId(params), body),
  "discounts:delete": ({ state, subject, params }) => {
    deleteDiscount(state, organizationOf(subject), pathId(params));
    return new Reply(204);
  },
};
