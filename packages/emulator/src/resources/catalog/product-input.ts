import type { Schema } from "@polar-kit/core";
import type { EmulatorState } from "../../context";
import { notPermitted } from "../../errors";
import type { Doc } from "../../store";
import type { Issue } from "../../validate";
import { meterOf, newPrice, type PriceCreate, type PriceDoc, priceIssues } from "./prices";
import { type AttachedField, embedMedias } from "./references";
import { KIND } from "./shared";

// What a product create or update checks on its input beyond the schema, and the new prices it
// builds: problems come back as 422 issues (all of them, as the API reports them together).

type ProductUpdate = Schema<"ProductUpdate">;

const STAFF_ONLY_INTERVALS = new Set(["day", "week"]);
// Units of the next larger billing interval that one meter interval fits into evenly.
const SUB_INTERVALS: Record<string, Record<string, number>> = { year: { month: 12 }, week: { day: 7 } };

/** The API keeps daily and weekly billing for Polar staff: an organization token gets a 403. */
export function refuseStaffOnlyInterval(interval: unknown): void {
  if (typeof interval === "string" && STAFF_ONLY_INTERVALS.has(interval)) {
    throw notPermitted("Recurring intervals `day` and `week` are only accessible to Polar staff");
  }
}

/** The API strips product names and turns an empty description into none. */
export function nameIssues(name: string, loc: (string | number)[]): Issue[] {
  return name.trim().length < 3
    ? [{ loc, msg: "String should have at least 3 characters", type: "string_too_short", input: name }]
    : [];
}
export const descriptionOf = (description: string | null | undefined) => (description ? description : null);

/** A meter cycle must divide the billing cycle evenly (e.g. monthly credits on yearly billing). */
export function meterIntervalIssues(product: {
  recurring_interval?: string | null;
  recurring_interval_count?: number | null;
  meter_interval?: string | null;
  meter_interval_count?: number | null;
}): Issue[] {
  const { recurring_interval: billing, meter_interval: meter } = product;
  if (!meter || !billing) return [];
  const billingUnits =
    billing === meter
      ? (product.recurring_interval_count ?? 1)
      : (SUB_INTERVALS[billing]?.[meter] ?? 0) * (product.recurring_interval_count ?? 1);
  const meterUnits = product.meter_interval_count ?? 1;
  return billingUnits > 0 && billingUnits % meterUnits === 0
    ? []
    : [
        {
          loc: ["body", "meter_interval"],
          msg: "The meter interval must evenly divide the billing interval.",
          type: "value_error",
          input: meter,
        },
      ];
}

/** New prices for a product, with the problems of each and of the meters they refer to. */
export function pricesFromInput(
  state: EmulatorState,
  organizationId: string,
  productId: string,
  inputs: { price: PriceCreate; index: number }[],
): { created: { doc: PriceDoc; index: number }[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const created: { doc: PriceDoc; index: number }[] = [];
  for (const { price, index } of inputs) {
    const problems = priceIssues(price, index);
    const meter = price.amount_type === "metered_unit" ? meterOf(state, organizationId, price.meter_id) : undefined;
    if (price.amount_type === "metered_unit" && !meter) {
      problems.push({
        loc: ["body", "prices", index, "meter_id"],
        msg: "Meter does not exist.",
        type: "value_error",
        input: price.meter_id,
      });
    }
    issues.push(...problems);
    if (!problems.length) created.push({ doc: newPrice(state, productId, price, meter), index });
  }
  return { created, issues };
}

/** Media file ids that are uploaded `product_media` files of the organization; the others are issues. */
export function mediaIssues(state: EmulatorState, organizationId: string, ids: string[]): Issue[] {
  return ids.flatMap((id, index) =>
    embedMedias(state, organizationId, [id]).length
      ? []
      : [
          {
            loc: ["body", "medias", index],
            msg: "File does not exist or is not yet uploaded.",
            type: "value_error",
            input: id,
          },
        ],
  );
}

export function attachedFieldsFrom(
  state: EmulatorState,
  organizationId: string,
  inputs: { custom_field_id: string; required: boolean }[],
): { attached: AttachedField[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const attached: AttachedField[] = [];
  for (const [index, input] of inputs.entries()) {
    const field = state.store.find(KIND.customField, input.custom_field_id);
    if (!field || field.organization_id !== organizationId) {
      issues.push({
        loc: ["body", "attached_custom_fields", index],
        msg: "Custom field does not exist.",
        type: "value_error",
        input: input.custom_field_id,
      });
    } else if (!attached.some((a) => a.custom_field_id === input.custom_field_id)) {
      attached.push({ custom_field_id: input.custom_field_id, required: input.required, order: index });
    }
  }
  return { attached, issues };
}

/** The API lets only legacy products set their billing interval; on every other product it is fixed. */
export function intervalChangeIssues(product: Doc, body: ProductUpdate): Issue[] {
  const issues: Issue[] = [];
  if (body.recurring_interval != null && body.recurring_interval !== product.recurring_interval) {
    issues.push({
      loc: ["body", "recurring_interval"],
      msg: "Recurring interval cannot be changed.",
      type: "value_error",
      input: body.recurring_interval,
    });
  }
  if (body.recurring_interval_count != null && body.recurring_interval_count !== product.recurring_interval_count) {
    issues.push({
      loc: ["body", "recurring_interval_count"],
      msg: "Recurring interval count cannot be changed.",
      type: "value_error",
      input: body.recurring_interval_count,
    });
  }
  return issues;
}
