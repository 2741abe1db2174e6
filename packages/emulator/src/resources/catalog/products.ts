import type { Schema } from "@polar-kit/core";
import { bodyOrganization, organizationOf } from "../../auth";
import type { EmulatorState, OperationHandlers } from "../../context";
import { build } from "../../defaults";
import { validationFailure } from "../../errors";
import { uuid } from "../../ids";
import { matches, matchesMetadata } from "../../pagination";
import type { Doc } from "../../store";
import type { Issue } from "../../validate";
import { announce } from "./events";
import { activePrices, type PriceCreate, type PriceDoc, priceSetIssues } from "./prices";
import {
  attachedFieldsFrom,
  descriptionOf,
  intervalChangeIssues,
  mediaIssues,
  meterIntervalIssues,
  nameIssues,
  pricesFromInput,
  refuseStaffOnlyInterval,
} from "./product-input";
import { embedBenefits, embedCustomFields, embedMedias, syncReferences, withFreshReferences } from "./references";
import { containsText, inOrganizationFilter, KIND, ownDoc, pathId, sortedPage } from "./shared";

type ProductCreate = Schema<"ProductCreate">;
type ProductUpdate = Schema<"ProductUpdate">;

export function createProduct(state: EmulatorState, organizationId: string, body: ProductCreate): Doc {
  const recurring = body.recurring_interval != null;
  refuseStaffOnlyInterval(body.recurring_interval);
  const id = uuid();
  const now = state.clock.iso();
  const recurringFields = recurring
    ? {
        recurring_interval: body.recurring_interval,
        recurring_interval_count: ("recurring_interval_count" in body && body.recurring_interval_count) || 1,
        trial_interval: ("trial_interval" in body && body.trial_interval) || null,
        trial_interval_count: ("trial_interval_count" in body && body.trial_interval_count) || null,
        meter_interval: ("meter_interval" in body && body.meter_interval) || null,
        meter_interval_count:
          "meter_interval" in body && body.meter_interval
            ? ("meter_interval_count" in body && body.meter_interval_count) || 1
            : null,
      }
    : {
        recurring_interval: null,
        recurring_interval_count: null,
        trial_interval: null,
        trial_interval_count: null,
        meter_interval: null,
        meter_interval_count: null,
      };
  const { created, issues } = pricesFromInput(
    state,
    organizationId,
    id,
    body.prices.map((price, index) => ({ price, index })),
  );
  const prices = created.map((c) => c.doc);
  const { attached, issues: fieldIssues } = attachedFieldsFrom(
    state,
    organizationId,
    body.attached_custom_fields ?? [],
  );
  const medias = [...new Set(body.medias ?? [])];
  const problems = [
    ...nameIssues(body.name, ["body", "name"]),
    ...issues,
    ...(issues.length ? [] : priceSetIssues(prices, recurring, (p) => prices.indexOf(p))),
    ...mediaIssues(state, organizationId, medias),
    ...fieldIssues,
    ...meterIntervalIssues(recurringFields),
  ];
  if (problems.length) throw validationFailure(problems);

  // The product shows its prices as `activePrices` reads them back: static ones first.
  for (const price of prices) state.store.insert(KIND.price, price, { organizationId });
  const product = build("Product", now, {
    id,
    created_at: now,
    modified_at: null,
    name: body.name.trim(),
    description: descriptionOf(body.description),
    visibility: body.visibility ?? "public",
    ...recurringFields,
    is_recurring: recurring,
    is_archived: false,
    organization_id: organizationId,
    metadata: body.metadata ?? {},
    prices: activePrices(state, organizationId, id),
    benefits: [],
    medias: embedMedias(state, organizationId, medias),
    attached_custom_fields: embedCustomFields(state, organizationId, attached),
  }) as Doc;
  state.store.insert(KIND.product, product);
  state.emit(organizationId, "product.created", product);
  return product;
}

/**
 * Replaces a product's prices: listed existing prices are kept, new ones created, the others
 * archived (a subscription keeps the price it was bought with).
 */
function replacePrices(state: EmulatorState, product: Doc, entries: NonNullable<ProductUpdate["prices"]>): Issue[] {
  const organizationId = product.organization_id as string;
  const current = (product.prices as PriceDoc[]).filter((p) => !p.is_archived);
  const kept: { doc: PriceDoc; index: number }[] = [];
  const issues: Issue[] = [];
  const inputs: { price: PriceCreate; index: number }[] = [];
  for (const [index, entry] of entries.entries()) {
    if ("amount_type" in entry) {
      inputs.push({ price: entry as PriceCreate, index });
      continue;
    }
    const existing = current.find((p) => p.id === entry.id);
    if (existing) kept.push({ doc: existing, index });
    else
      issues.push({
        loc: ["body", "prices", index],
        msg: "Price does not exist.",
        type: "value_error",
        input: entry.id,
      });
  }
  const { created, issues: priceProblems } = pricesFromInput(state, organizationId, product.id, inputs);
  issues.push(...priceProblems);
  const result = [...kept, ...created];
  if (!issues.length) {
    const docs = result.map((r) => r.doc);
    issues.push(
      ...priceSetIssues(docs, Boolean(product.is_recurring), (p) => result.find((r) => r.doc === p)?.index ?? 0),
    );
  }
  if (issues.length) return issues;

  const keptIds = new Set(kept.map((k) => k.doc.id));
  for (const price of current.filter((p) => !keptIds.has(p.id))) {
    state.store.put(KIND.price, { ...price, is_archived: true, modified_at: state.clock.iso() });
  }
  for (const { doc } of created) state.store.insert(KIND.price, doc, { organizationId });
  return [];
}

export function updateProduct(state: EmulatorState, organizationId: string, id: string, body: ProductUpdate): Doc {
  const product = ownDoc(state, KIND.product, id, organizationId);
  refuseStaffOnlyInterval(body.recurring_interval);
  const issues = [
    ...intervalChangeIssues(product, body),
    ...(body.name != null ? nameIssues(body.name, ["body", "name"]) : []),
  ];
  const medias = body.medias != null ? [...new Set(body.medias)] : undefined;
  if (medias) issues.push(...mediaIssues(state, organizationId, medias));
  const fields =
    body.attached_custom_fields != null
      ? attachedFieldsFrom(state, organizationId, body.attached_custom_fields)
      : undefined;
  if (fields) issues.push(...fields.issues);
  if (body.prices != null && !issues.length) issues.push(...replacePrices(state, product, body.prices));
  if (issues.length) throw validationFailure(issues);

  // Null means "leave as is" on this endpoint, as the API applies the update without None values.
  const updated: Doc = {
    ...product,
    ...(body.name != null && { name: body.name.trim() }),
    ...(body.description != null && { description: descriptionOf(body.description) }),
    ...(body.visibility != null && { visibility: body.visibility }),
    ...(body.is_archived != null && { is_archived: body.is_archived }),
    ...(body.metadata != null && { metadata: body.metadata }),
    ...(product.is_recurring === true && body.trial_interval != null && { trial_interval: body.trial_interval }),
    ...(product.is_recurring === true &&
      body.trial_interval_count != null && { trial_interval_count: body.trial_interval_count }),
    ...(medias && { medias: medias.map((mediaId) => ({ id: mediaId })) }),
    ...(fields && { attached_custom_fields: fields.attached }),
    modified_at: state.clock.iso(),
  };
  const fresh = withFreshReferences(state, updated);
  state.store.put(KIND.product, fresh);
  syncReferences(state, organizationId);
  state.emit(organizationId, "product.updated", fresh);
  return fresh;
}

/** Sets the benefits a product grants (the whole list, in order). */
export function updateProductBenefits(
  state: EmulatorState,
  organizationId: string,
  id: string,
  benefitIds: string[],
): Doc {
  const product = ownDoc(state, KIND.product, id, organizationId);
  const ids = [...new Set(benefitIds)];
  const issues = ids.flatMap((benefitId) =>
    embedBenefits(state, organizationId, [benefitId]).length
      ? []
      : [
          {
            loc: ["body", "benefits", benefitIds.indexOf(benefitId)],
            msg: "Benefit does not exist.",
            type: "value_error",
            input: benefitId,
          },
        ],
  );
  if (issues.length) throw validationFailure(issues);

  const previous = product.benefits as Doc[];
  const benefits = embedBenefits(state, organizationId, ids);
  const updated = state.store.put(KIND.product, { ...product, benefits });
  const added = benefits.filter((b) => !previous.some((p) => p.id === b.id));
  const removed = previous.filter((p) => !benefits.some((b) => b.id === p.id));
  if (added.length || removed.length)
    announce(state, { type: "product.benefits_changed", product: updated, added, removed });
  state.emit(organizationId, "product.updated", updated);
  return updated;
}

// How the API ranks the first price of a product when sorting by price.
function firstPriceRank(product: Doc): { price_amount_type: number | null; price_amount: number | null } {
  const price = (product.prices as PriceDoc[])[0];
  if (price?.amount_type === "fixed") {
    return price.price_amount === 0
      ? { price_amount_type: 1, price_amount: -2 }
      : { price_amount_type: 3, price_amount: price.price_amount ?? null };
  }
  if (price?.amount_type === "custom") return { price_amount_type: 2, price_amount: price.minimum_amount ?? -1 };
  return { price_amount_type: null, price_amount: null };
}

export function listProducts(state: EmulatorState, organizationId: string, query: Record<string, unknown>) {
  const products = state.store
    .all(KIND.product, { organizationId })
    .filter(
      (p) =>
        inOrganizationFilter(query.organization_id, organizationId) &&
        matches(query.id, p.id) &&
        containsText(p.name, query.query) &&
        matches(query.is_archived, p.is_archived) &&
        matches(query.is_recurring, p.is_recurring) &&
        matches(query.visibility, p.visibility) &&
        (query.benefit_id == null || (p.benefits as Doc[]).some((b) => matches(query.benefit_id, b.id))) &&
        matchesMetadata(query.metadata, p.metadata as Record<string, unknown>),
    );
  const rows = products.map((doc) => ({ created_at: doc.created_at, name: doc.name, ...firstPriceRank(doc), doc }));
  const page = sortedPage(rows, query, ["-created_at"]);
  return { ...page, items: page.items.map((row) => row.doc) };
}

export const productHandlers: OperationHandlers = {
  "products:list": ({ state, subject, query }) => listProducts(state, organizationOf(subject), query),
  "products:create": ({ state, subject, body }) => createProduct(state, bodyOrganization(subject, body), body),
  "products:get": ({ state, subject, params }) => ownDoc(state, KIND.product, pathId(params), organizationOf(subject)),
  "products:update": ({ state, subject, params, body }) =>
    updateProduct(state, organizationOf(subject), pathId(params), body),
  "products:update_benefits": ({ state, subject, params, body }) =>
    updateProductBenefits(state, organizationOf(subject), pathId(params), body.benefits),
};
